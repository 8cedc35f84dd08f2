import type { APIMessage } from 'discord.js';
import type { DiscordEmbed, DiscordMessageBody } from '../digest/split-messages.js';

/**
 * Recognizes a digest part among a channel's messages, pure. Discord forgets a message's nonce
 * within minutes and never lists it, so the marker is what we control in the message: its author
 * (the bot itself, not a webhook) and its text — the heading with date and "part 2 of 3", every
 * embed's title, description, fields and footer. The caller lists only the messages created from
 * the send attempt on, so an older digest with the same text cannot match.
 */
export function findSentPart(messages: readonly APIMessage[], body: DiscordMessageBody, botUserId: string): string | null {
  const wanted = fingerprint(body.content, body.embeds);
  const match = messages.find(
    (message) => message.author.id === botUserId && message.webhook_id === undefined && fingerprint(message.content, message.embeds) === wanted,
  );
  return match?.id ?? null;
}

/** Text as Discord keeps it: ends trimmed, nothing else changed. */
function fingerprint(content: string, embeds: readonly DiscordEmbed[]): string {
  const text = (value: string | undefined) => (value ?? '').trim();
  return JSON.stringify([
    text(content),
    embeds.map((embed) => [
      text(embed.title),
      text(embed.description),
      text(embed.footer?.text),
      (embed.fields ?? []).map((field) => [text(field.name), text(field.value)]),
    ]),
  ]);
}
