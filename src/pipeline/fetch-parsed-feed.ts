import type { Dispatcher } from 'undici';
import type { PollingConfig } from '../config/config-schema.js';
import type { Language, NormalizedItem } from '../core/types.js';
import { fetchFeed, type FetchOutcome } from '../feeds/fetch-feed.js';
import type { ParseOutcome } from '../feeds/parse-feed.js';
import type { FeedParser, ParseTimeout } from './feed-parser.js';
import type { FeedHeader } from './parse-feed-body.js';

type FetchFailure = Extract<FetchOutcome, { status: 'error' }>;
type ParseErrorKind = Extract<ParseOutcome, { status: 'error' }>['kind'];

/** A fetch failure, or a parse failure ('not-a-feed', 'malformed', 'parse-timeout') shaped like one. */
export type FeedFailure = Pick<FetchFailure, 'http' | 'message' | 'retryAfterMs' | 'bytes'> & {
  kind: FetchFailure['kind'] | ParseErrorKind | ParseTimeout['kind'];
};

export type ParsedFeedOutcome =
  | {
      status: 'ok';
      fetched: Extract<FetchOutcome, { status: 'ok' }>;
      feed: FeedHeader;
      items: NormalizedItem[];
      dropped: number;
      skipped: number;
    }
  | { status: 'not-modified'; fetched: Extract<FetchOutcome, { status: 'not-modified' }> }
  | { status: 'error'; failure: FeedFailure };

/** fetch → decode → parse → normalize, with no storage: the part of ingestion that talks to the world. */
export async function fetchParsedFeed(
  url: string,
  options: {
    polling: PollingConfig;
    dispatcher: Dispatcher;
    parser: FeedParser;
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

  const parsed = await options.parser.parse(
    fetched.body,
    fetched.contentType,
    { feedLanguage: options.language ?? undefined, fetchedAt: options.now, baseUrl: fetched.url },
    options.polling.maxItemsPerFeed,
  );
  if (parsed.status === 'error') {
    return {
      status: 'error',
      failure: { kind: parsed.kind, http: fetched.http, message: parsed.message, retryAfterMs: null, bytes: fetched.bytes },
    };
  }
  return { ...parsed, fetched };
}
