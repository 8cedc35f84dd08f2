import type { RawFile } from 'discord.js';
import type { OutboxPayload } from '../delivery/deliverer.js';

type DiscordPayload = Extract<OutboxPayload, { type: 'discord' }>;

/**
 * A part's message body for the API: its text and embeds and, when it carries a file, the
 * attachment's metadata (id 0 is `files[0]`), which an embed's `attachment://name` refers to.
 */
export function messageBody(payload: DiscordPayload): { content: string; embeds: DiscordPayload['body']['embeds']; attachments?: { id: number; filename: string }[] } {
  const { content, embeds } = payload.body;
  return payload.file ? { content, embeds, attachments: [{ id: 0, filename: payload.file.name }] } : { content, embeds };
}

/** The request's `files` when the part carries one: discord.js then sends multipart, the body as `payload_json`. */
export function messageFiles(payload: DiscordPayload): { files?: RawFile[] } {
  const { file } = payload;
  return file ? { files: [{ name: file.name, data: file.bytes, contentType: file.contentType }] } : {};
}
