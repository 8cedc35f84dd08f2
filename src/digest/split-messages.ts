/**
 * Discord's message limits, a checker for them, and the packing of embeds into messages. Pure.
 * Lengths are counted in UTF-16 units (`String#length`), never fewer than Discord's own count.
 */

export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  /** Sum over every embed of a message: title, description, field names and values, footer, author. */
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
} as const;

export interface DiscordEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  footer?: { text: string };
  author?: { name: string };
  fields?: { name: string; value: string; inline?: boolean }[];
  /** `attachment://<file name>` shows a file attached to the same message inside the embed. */
  image?: { url: string };
}

/** A message body as the Discord API takes it (`POST /channels/:id/messages`, webhooks). */
export interface DiscordMessageBody {
  content: string;
  embeds: DiscordEmbed[];
  /** Always empty: a headline saying @everyone pings no one. */
  allowed_mentions: { parse: [] };
}

export function embedLength(embed: DiscordEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((total, field) => total + field.name.length + field.value.length, 0)
  );
}

/** Every limit a message body breaks, as readable strings; empty when it may be sent. */
export function messageViolations(body: DiscordMessageBody): string[] {
  const problems: string[] = [];
  const L = DISCORD_LIMITS;
  if (body.content.length > L.content) problems.push(`content is ${body.content.length} > ${L.content}`);
  if (body.embeds.length > L.embedsPerMessage) problems.push(`${body.embeds.length} embeds > ${L.embedsPerMessage}`);
  if (body.content.length === 0 && body.embeds.length === 0) problems.push('empty message');
  const total = body.embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
  if (total > L.embedTotal) problems.push(`embeds total ${total} > ${L.embedTotal}`);
  body.embeds.forEach((embed, index) => {
    const at = `embed ${index}`;
    if ((embed.title?.length ?? 0) > L.title) problems.push(`${at} title ${embed.title?.length} > ${L.title}`);
    if ((embed.description?.length ?? 0) > L.description) problems.push(`${at} description ${embed.description?.length} > ${L.description}`);
    if ((embed.footer?.text.length ?? 0) > L.footer) problems.push(`${at} footer > ${L.footer}`);
    if ((embed.author?.name.length ?? 0) > L.author) problems.push(`${at} author > ${L.author}`);
    const fields = embed.fields ?? [];
    if (fields.length > L.fields) problems.push(`${at} has ${fields.length} fields > ${L.fields}`);
    fields.forEach((field, f) => {
      if (field.name.length > L.fieldName || field.name.length === 0) problems.push(`${at} field ${f} name length ${field.name.length}`);
      if (field.value.length > L.fieldValue || field.value.length === 0) problems.push(`${at} field ${f} value length ${field.value.length}`);
    });
    if (embedLength(embed) === 0) problems.push(`${at} is empty`);
  });
  if (body.allowed_mentions.parse.length !== 0) problems.push('allowed_mentions must parse nothing');
  return problems;
}

/** A unit that must stay whole: one embed and the stories it carries. */
export interface EmbedBlock {
  embed: DiscordEmbed;
  storyIds: string[];
}

/**
 * Packs embeds, in order, into as few messages as the limits allow: at most 10 embeds and 6000
 * embed characters per message. Every block must fit a message on its own (the renderer
 * guarantees it); a block that does not is a bug, and throws.
 */
export function packEmbeds(blocks: EmbedBlock[]): EmbedBlock[][] {
  const messages: EmbedBlock[][] = [];
  let current: EmbedBlock[] = [];
  let size = 0;
  for (const block of blocks) {
    const length = embedLength(block.embed);
    if (length > DISCORD_LIMITS.embedTotal) throw new Error(`split-messages: an embed of ${length} characters cannot fit a message`);
    if (current.length > 0 && (current.length === DISCORD_LIMITS.embedsPerMessage || size + length > DISCORD_LIMITS.embedTotal)) {
      messages.push(current);
      current = [];
      size = 0;
    }
    current.push(block);
    size += length;
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

/**
 * Splits lines into chunks of at most `max` characters joined by newlines; `first` opens the first
 * chunk. A single line longer than `max` is cut (a bug guard: the renderer caps every line).
 */
export function chunkLines<T extends { text: string }>(lines: T[], max: number, first = ''): { text: string; lines: T[] }[] {
  const chunks: { text: string; lines: T[] }[] = [];
  let text = first;
  let members: T[] = [];
  for (const line of lines) {
    const piece = line.text.length > max ? `${line.text.slice(0, max - 1)}…` : line.text;
    const joined = text === '' ? piece : `${text}\n${piece}`;
    if (joined.length > max && (members.length > 0 || text !== '')) {
      chunks.push({ text, lines: members });
      text = piece;
      members = [line];
    } else {
      text = joined;
      members.push(line);
    }
  }
  if (text !== '' || members.length > 0) chunks.push({ text, lines: members });
  return chunks;
}
