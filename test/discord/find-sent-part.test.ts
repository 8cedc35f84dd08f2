import { describe, expect, it } from 'vitest';
import type { DiscordMessageBody } from '../../src/digest/split-messages.js';
import { findSentPart, type ListedMessage } from '../../src/discord/find-sent-part.js';

const BOT = '111111111111111111';
const part = (n: number): DiscordMessageBody => ({
  content: `**Resumen de noticias · 30 nov 2026** (parte ${n} de 3)`,
  embeds: [{ title: 'Comercio y aranceles', description: '**1.** [Mercosur y la UE firman](https://example.org/a) — Diario', color: 1, footer: { text: '1 historia' } }],
  allowed_mentions: { parse: [] },
});
const listed = (id: string, body: DiscordMessageBody, author = BOT, webhook?: string) =>
  ({ id, author: { id: author }, content: body.content, embeds: body.embeds, ...(webhook ? { webhook_id: webhook } : {}) }) as ListedMessage;

describe('finding an interrupted digest part among a channel’s messages', () => {
  it.each([
    ['the bot posted the same part', [listed('3', part(1)), listed('2', part(2))], '2'],
    ['only other parts are there', [listed('3', part(1)), listed('4', part(3))], null],
    ['someone else posted the same text', [listed('2', part(2), '999')], null],
    ['a webhook posted the same text', [listed('2', part(2), BOT, '666')], null],
    ['Discord trimmed the ends of the text', [listed('2', { ...part(2), content: `${part(2).content}  ` })], '2'],
    ['the channel is empty', [], null],
  ])('%s', (_case, messages, expected) => {
    expect(findSentPart(messages, part(2), BOT)).toBe(expected);
  });
});
