import type { NormalizedItem, ParsedFeed } from '../core/types.js';
import { decodeBody } from '../feeds/decode-body.js';
import { normalizeItem, type NormalizeContext } from '../feeds/normalize-item.js';
import { parseFeed, type ParseOutcome } from '../feeds/parse-feed.js';

/** The feed's own fields; its raw entries stay where they were parsed (the items are what travels). */
export type FeedHeader = Omit<ParsedFeed, 'items'>;

export type ParsedBody =
  /** `dropped`: entries without title or link; `skipped`: the oldest entries beyond `maxItems`. */
  | { status: 'ok'; feed: FeedHeader; items: NormalizedItem[]; dropped: number; skipped: number }
  | Extract<ParseOutcome, { status: 'error' }>;

/** decode → parse → normalize of a fetched body: the CPU side of ingestion (the parse benchmark times it). */
export async function parseFeedBody(
  body: Buffer,
  contentType: string | null,
  context: NormalizeContext,
  maxItems = Infinity,
): Promise<ParsedBody> {
  const { text } = decodeBody(body, contentType);
  const parsed = await parseFeed(text, { maxItems });
  if (parsed.status === 'error') return parsed;
  const { items: entries, ...feed } = parsed.feed;
  const items = entries.map((raw) => normalizeItem(raw, context)).filter((item): item is NormalizedItem => item !== null);
  return { status: 'ok', feed, items, dropped: entries.length - items.length, skipped: parsed.skipped };
}
