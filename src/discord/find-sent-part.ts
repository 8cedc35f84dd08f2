import { z } from 'zod';
import type { DiscordMessageBody } from '../digest/split-messages.js';

/**
 * Recognizes a digest part among a channel's messages, pure. Discord forgets a message's nonce
 * within minutes and never lists it, so the marker is what we control in the message: its author
 * (the bot itself, not a webhook), its text — the heading with date and "part 2 of 3", every
 * embed's title, description, fields and footer — and the names of its attached files. The caller
 * lists only the messages created from the send attempt on, so an older digest with the same text
 * cannot match.
 */

const text = z.string().nullish();
const embedSchema = z.object({
  title: text,
  description: text,
  footer: z.object({ text }).nullish(),
  fields: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
});

/** A page of `GET /channels/:id/messages`: only the fields the match reads. */
export const listedMessagesSchema = z.array(
  z.object({
    id: z.string(),
    author: z.object({ id: z.string() }),
    webhook_id: z.string().nullish(),
    content: z.string(),
    embeds: z.array(embedSchema),
    attachments: z.array(z.object({ filename: z.string() })).default([]),
  }),
);

export type ListedMessage = z.infer<typeof listedMessagesSchema>[number];
type Embed = z.infer<typeof embedSchema>;

/** `fileName`: the file the part carries; the message must carry a file of that name, and a part without one matches no message with files. */
export function findSentPart(messages: readonly ListedMessage[], body: DiscordMessageBody, botUserId: string, fileName?: string): string | null {
  const wanted = fingerprint(body.content, body.embeds, fileName === undefined ? [] : [fileName]);
  const match = messages.find(
    (message) =>
      message.author.id === botUserId &&
      !message.webhook_id &&
      fingerprint(message.content, message.embeds, message.attachments.map((attachment) => attachment.filename)) === wanted,
  );
  return match?.id ?? null;
}

/** Text as Discord keeps it: ends trimmed, nothing else changed; then the attached files' names. */
function fingerprint(content: string, embeds: readonly Embed[], fileNames: readonly string[]): string {
  const trim = (value: string | null | undefined) => (value ?? '').trim();
  return JSON.stringify([
    trim(content),
    embeds.map((embed) => [
      trim(embed.title),
      trim(embed.description),
      trim(embed.footer?.text),
      (embed.fields ?? []).map((field) => [trim(field.name), trim(field.value)]),
    ]),
    fileNames,
  ]);
}
