import type { Dispatcher } from 'undici';
import type { PollingConfig } from '../config/config-schema.js';
import type { Language, NormalizedItem } from '../core/types.js';
import { fetchFeed, type FetchOutcome } from '../feeds/fetch-feed.js';
import type { ParseOutcome } from '../feeds/parse-feed.js';
import type { FeedParser, ParseTimeout } from './feed-parser.js';
import type { FeedHeader } from './parse-feed-body.js';

type FetchFailure = Extract<FetchOutcome, { status: 'error' }>;
type ParseErrorKind = Extract<ParseOutcome, { status: 'error' }>['kind'];

/** A fetch failure, or a parse failure ('not-a-feed', 'malformed', 'parse-timeout') or a stop shaped like one. */
export type FeedFailure = Pick<FetchFailure, 'http' | 'message' | 'retryAfterMs' | 'bytes'> & {
  /** `cancelled`: Sancocho stopped before the work was done; nothing is the feed's fault. */
  kind: FetchFailure['kind'] | ParseErrorKind | ParseTimeout['kind'] | 'cancelled';
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

  const parsed = await untilStopped(
    options.parser.parse(
      fetched.body,
      fetched.contentType,
      { feedLanguage: options.language ?? undefined, fetchedAt: options.now, baseUrl: fetched.url },
      options.polling.maxItemsPerFeed,
    ),
    options.signal,
  );
  if (parsed === STOPPED) {
    return {
      status: 'error',
      failure: { kind: 'cancelled', http: fetched.http, message: 'Sancocho stopped while the feed was being parsed.', retryAfterMs: null, bytes: fetched.bytes },
    };
  }
  if (parsed.status === 'error') {
    return {
      status: 'error',
      failure: { kind: parsed.kind, http: fetched.http, message: parsed.message, retryAfterMs: null, bytes: fetched.bytes },
    };
  }
  return { ...parsed, fetched };
}

const STOPPED = Symbol('stopped');

/**
 * A stop does not wait for a parse (up to the CPU budget): the poll is left for the next start, and
 * the parse threads are terminated when the app closes.
 */
function untilStopped<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof STOPPED> {
  if (!signal) return work;
  if (signal.aborted) return Promise.resolve(STOPPED);
  return new Promise((resolve, reject) => {
    const onStop = () => resolve(STOPPED);
    signal.addEventListener('abort', onStop, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onStop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onStop);
        reject(error);
      },
    );
  });
}
