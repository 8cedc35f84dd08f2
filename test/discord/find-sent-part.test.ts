import { describe, expect, it } from 'vitest';
import type { DiscordMessageBody } from '../../src/digest/split-messages.js';
import { findSentPart, listedMessagesSchema, type ListedMessage } from '../../src/discord/find-sent-part.js';

const BOT = '111111111111111111';
const part = (n: number): DiscordMessageBody => ({
  content: `**Resumen de noticias · 30 nov 2026** (parte ${n} de 3)`,
  embeds: [{ title: 'Comercio y aranceles', description: '**1.** [Mercosur y la UE firman](https://example.org/a) — Diario', color: 1, footer: { text: '1 historia' } }],
  allowed_mentions: { parse: [] },
});
const listed = (id: string, body: DiscordMessageBody, author = BOT, webhook?: string, files: string[] = []) =>
  ({
    id,
    author: { id: author },
    content: body.content,
    embeds: body.embeds,
    attachments: files.map((filename) => ({ filename })),
    ...(webhook ? { webhook_id: webhook } : {}),
  }) as ListedMessage;

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

describe('finding an interrupted part that carries a file (a briefing and its chart)', () => {
  it.each([
    ['the bot posted the part with its file', [listed('2', part(2), BOT, undefined, ['weekly-2026-11-30-0800.png'])], '2'],
    ['the same text went out without the file', [listed('2', part(2))], null],
    ['the same text carries another file', [listed('2', part(2), BOT, undefined, ['weekly-2026-11-23-0800.png'])], null],
  ])('%s', (_case, messages, expected) => {
    expect(findSentPart(messages, part(2), BOT, 'weekly-2026-11-30-0800.png')).toBe(expected);
  });

  it('does not take a message with a file for a part without one', () => {
    expect(findSentPart([listed('2', part(2), BOT, undefined, ['chart.png'])], part(2), BOT)).toBeNull();
  });

  it('reads a listed page whose messages carry no attachments field as carrying none', () => {
    const [message] = listedMessagesSchema.parse([{ id: '2', author: { id: BOT }, content: part(2).content, embeds: part(2).embeds }]);
    expect(message?.attachments).toEqual([]);
  });
});
