import type { Dispatcher } from 'undici';
import type { PollingConfig } from '../config/config-schema.js';
import type { Language, NormalizedItem, ParsedFeed } from '../core/types.js';
import { decodeBody } from '../feeds/decode-body.js';
import { fetchFeed, type FetchOutcome } from '../feeds/fetch-feed.js';
import { normalizeItem, type NormalizeContext } from '../feeds/normalize-item.js';
import { parseFeed, type ParseOutcome } from '../feeds/parse-feed.js';

type FetchFailure = Extract<FetchOutcome, { status: 'error' }>;
type ParseErrorKind = Extract<ParseOutcome, { status: 'error' }>['kind'];

/** A fetch failure, or a parse failure ('not-a-feed', 'malformed') shaped like one. */
export type FeedFailure = Pick<FetchFailure, 'http' | 'message' | 'retryAfterMs' | 'bytes'> & {
  kind: FetchFailure['kind'] | ParseErrorKind;
};

export type ParsedBody =
  | { status: 'ok'; feed: ParsedFeed; items: NormalizedItem[]; dropped: number }
  | Extract<ParseOutcome, { status: 'error' }>;

export type ParsedFeedOutcome =
  | { status: 'ok'; fetched: Extract<FetchOutcome, { status: 'ok' }>; feed: ParsedFeed; items: NormalizedItem[]; dropped: number }
  | { status: 'not-modified'; fetched: Extract<FetchOutcome, { status: 'not-modified' }> }
  | { status: 'error'; failure: FeedFailure };

/** fetch → decode → parse → normalize, with no storage: the part of ingestion that talks to the world. */
export async function fetchParsedFeed(
  url: string,
  options: {
    polling: PollingConfig;
    dispatcher: Dispatcher;
    etag?: string | null;
    lastModified?: string | null;
    language?: Language | null;
    now: number;
    signal?: AbortSignal | undefined;
  },
): Promise<ParsedFeedOutcome> {
  const fetched = await fetchFeed(url, {
    etag: options.etag ?? null,
    lastModified: options.lastModified ?? null,
    totalTimeoutMs: options.polling.timeoutSeconds * 1000,
    maxBytes: options.polling.maxBodyBytes,
    maxRedirects: options.polling.maxRedirects,
    dispatcher: options.dispatcher,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (fetched.status === 'not-modified') return { status: 'not-modified', fetched };
  if (fetched.status === 'error') return { status: 'error', failure: fetched };

  const parsed = await parseFeedBody(fetched.body, fetched.contentType, {
    feedLanguage: options.language ?? undefined,
    fetchedAt: options.now,
    baseUrl: fetched.url,
  });
  if (parsed.status === 'error') {
    return {
      status: 'error',
      failure: { kind: parsed.kind, http: fetched.http, message: parsed.message, retryAfterMs: null, bytes: fetched.bytes },
    };
  }
  return { ...parsed, fetched };
}

/** decode → parse → normalize of a fetched body: the CPU side of ingestion (the parse benchmark times it). */
export async function parseFeedBody(
  body: Buffer,
  contentType: string | null,
  context: NormalizeContext,
): Promise<ParsedBody> {
  const { text } = decodeBody(body, contentType);
  const parsed = await parseFeed(text);
  if (parsed.status === 'error') return parsed;
  const items = parsed.feed.items
    .map((raw) => normalizeItem(raw, context))
    .filter((item): item is NormalizedItem => item !== null);
  return { status: 'ok', feed: parsed.feed, items, dropped: parsed.feed.items.length - items.length };
}
