/**
 * fetch-feed: one HTTP GET of a feed, with conditional headers, manual redirects, a total
 * deadline that really closes the socket, byte caps on wire and decompressed bytes, and an
 * address check inside the connect step. Every expected failure comes back as a value.
 */
import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import { redactCredentials } from '../core/redact-credentials.js';
import { VERSION } from '../core/version.js';
import { BlockedAddressError, ResponseTooLargeError, classifyFetchError, type FetchErrorKind } from './fetch-errors.js';
import { parseRetryAfter } from '../core/retry-after.js';
import { parseContentEncoding, parseContentLength, parseMaxAge, statusMeaning } from './http-response.js';

export type { FetchErrorKind } from './fetch-errors.js';

export const USER_AGENT = `Sancocho/${VERSION} (+https://github.com/sancocho-bot/sancocho)`;
export const ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/** Returns a reason to refuse connecting to `ip`, or null to allow it. */
export type CheckAddress = (ip: string, family: 4 | 6) => string | null;
/** Returns a reason to refuse a host name before it is looked up, or null to allow it. */
export type CheckHost = (hostname: string) => string | null;

export interface FetchOptions {
  /** Sent as If-None-Match. */
  etag?: string | null;
  /** Sent as If-Modified-Since. */
  lastModified?: string | null;
  /** Default 10_000. Only used when no `dispatcher` is given (a shared one has its own). */
  connectTimeoutMs?: number;
  /** Default 30_000: the whole fetch, every redirect hop and the body included. */
  totalTimeoutMs?: number;
  /** Default 10 MiB, on wire bytes and on decompressed bytes alike. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Default USER_AGENT. */
  userAgent?: string;
  /** A shared agent for connection reuse, best made with createFeedDispatcher; one is made per call when absent. */
  dispatcher?: Dispatcher;
  /**
   * Called with every resolved IP address (initial URL and every redirect hop) before connecting;
   * return a reason string to refuse it (→ kind 'blocked-address'), or null to allow. It runs in
   * the connect step, so the address checked is the address used. With a shared dispatcher,
   * pass it to createFeedDispatcher instead: that dispatcher's check then applies.
   */
  checkAddress?: CheckAddress;
  signal?: AbortSignal;
}

export type FetchOutcome =
  | {
      status: 'ok';
      http: number;
      /** Final URL after redirects. */
      url: string;
      /** Decompressed. */
      body: Buffer;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      maxAgeSeconds: number | null;
      /** Wire bytes of the body. */
      bytes: number;
      ms: number;
      /** Every URL we were redirected to, in order; the last one is `url`. */
      redirects: string[];
      /** Where the redirects from the requested URL stopped being permanent (301, 308), if any were. */
      movedTo: string | null;
    }
  | {
      status: 'not-modified';
      http: 304;
      url: string;
      /** From the 304, or the validator we sent when the 304 omits it, so storing it never erases one. */
      etag: string | null;
      lastModified: string | null;
      maxAgeSeconds: number | null;
      bytes: 0;
      ms: number;
      redirects: string[];
      movedTo: string | null;
    }
  | {
      status: 'error';
      kind: FetchErrorKind;
      http: number | null;
      /** One clear human sentence. */
      message: string;
      retryAfterMs: number | null;
      /** The URL whose request failed. */
      url: string;
      bytes: number;
      ms: number;
      redirects: string[];
    };

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_TOTAL_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
// Bodies of redirects and error statuses are read this far so the connection can be reused, then cut off.
const DISCARD_LIMIT = 64 * 1024;

/** The check each dispatcher made here enforces, so fetchFeed can tell whether a caller's check would run. */
const dispatcherChecks = new WeakMap<Dispatcher, CheckAddress | null>();

/**
 * An agent whose connect step applies `checkAddress` to the address it is about to use, and
 * `checkHost` (only together with `checkAddress`) to a host name before it is looked up.
 */
export function createFeedDispatcher(options: { connectTimeoutMs?: number; checkAddress?: CheckAddress; checkHost?: CheckHost } = {}): Agent {
  const checkAddress = options.checkAddress ?? null;
  const checkHost = options.checkHost ?? (() => null);
  const timeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  let agent: Agent;
  if (checkAddress === null) {
    agent = new Agent({ connect: { timeout } });
  } else {
    const connector = buildConnector({ timeout, lookup: checkedLookup(checkAddress) });
    agent = new Agent({
      connect: (target, callback) => {
        // Node never calls `lookup` for an IP literal, so literals are checked here; names by name, before the lookup.
        const family = isIP(target.hostname);
        const reason = family === 0 ? checkHost(target.hostname) : checkAddress(target.hostname, family === 6 ? 6 : 4);
        if (reason !== null) callback(new BlockedAddressError(target.hostname, reason), null);
        else connector(target, callback);
      },
    });
  }
  dispatcherChecks.set(agent, checkAddress);
  return agent;
}

/** dns.lookup that drops refused addresses, and fails when none is left. */
function checkedLookup(checkAddress: CheckAddress): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const allowed = [];
      let refusal: BlockedAddressError | null = null;
      for (const entry of addresses) {
        const reason = checkAddress(entry.address, entry.family === 6 ? 6 : 4);
        if (reason === null) allowed.push(entry);
        else refusal ??= new BlockedAddressError(entry.address, reason);
      }
      const first = allowed[0];
      // dns.lookup reports an empty answer as an error, so an empty `allowed` means something was refused.
      if (first === undefined) return callback(refusal, '');
      if (options.all) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}

interface Progress {
  started: number;
  /** The URL being requested now. */
  url: string;
  /** Its response status, once headers arrived. */
  http: number | null;
  /** Body bytes read from the current response. */
  bytes: number;
  redirects: string[];
  /** The last URL reached through permanent redirects only; null until one is followed. */
  movedTo: string | null;
  /** Whether every redirect so far was permanent. */
  permanent: boolean;
}

interface Settings {
  dispatcher: Dispatcher;
  signal: AbortSignal;
  headers: Record<string, string>;
  maxBytes: number;
  maxRedirects: number;
  etag: string | null;
  lastModified: string | null;
}

export async function fetchFeed(url: string, options: FetchOptions = {}): Promise<FetchOutcome> {
  const progress: Progress = { started: performance.now(), url, http: null, bytes: 0, redirects: [], movedTo: null, permanent: true };
  const first = toFeedUrl(url);
  if (typeof first === 'string') return failure(progress, 'invalid-url', first);
  if (options.dispatcher && options.checkAddress && dispatcherChecks.get(options.dispatcher) !== options.checkAddress) {
    // The check could not run in the connect step: refusing loudly beats fetching unguarded.
    throw new TypeError(
      'fetchFeed: with a shared dispatcher, give checkAddress to createFeedDispatcher so it runs in the connect step.',
    );
  }

  const { connectTimeoutMs, checkAddress } = options;
  const dispatcher = options.dispatcher ?? createFeedDispatcher({ connectTimeoutMs, checkAddress });
  const totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const controller = new AbortController();
  const timedOut = new DOMException(`No complete response within ${totalTimeoutMs} ms.`, 'TimeoutError');
  const timer = setTimeout(() => controller.abort(timedOut), totalTimeoutMs);
  const cancel = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) cancel();
  else options.signal?.addEventListener('abort', cancel, { once: true });

  const headers: Record<string, string> = {
    'user-agent': options.userAgent ?? USER_AGENT,
    accept: ACCEPT,
    'accept-encoding': ACCEPT_ENCODING,
  };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;

  try {
    return await follow(first, progress, {
      dispatcher,
      signal: controller.signal,
      headers,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
      etag: options.etag ?? null,
      lastModified: options.lastModified ?? null,
    });
  } catch (error) {
    if (controller.signal.aborted) {
      return controller.signal.reason === timedOut
        ? failure(progress, 'timeout', timedOut.message)
        : failure(progress, 'network', 'The fetch was cancelled.');
    }
    const classified = classifyFetchError(error, new URL(progress.url).host);
    if (classified === null) throw error;
    return failure(progress, classified.kind, classified.message);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
    if (dispatcher !== options.dispatcher) await dispatcher.destroy();
  }
}

async function follow(first: URL, progress: Progress, settings: Settings): Promise<FetchOutcome> {
  const visited = new Set([first.href]);
  let current = first;
  for (;;) {
    progress.url = current.href;
    progress.http = null;
    progress.bytes = 0;
    const { statusCode: status, headers, body } = await request(current, {
      method: 'GET',
      headers: withCredentials(settings.headers, current, first),
      dispatcher: settings.dispatcher,
      signal: settings.signal,
    });
    progress.http = status;
    const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), Date.now());
    const meaning = statusMeaning(status, retryAfterMs !== null);

    if (meaning === 'redirect') {
      await discard(body, progress);
      const location = header(headers, 'location');
      if (location === null) return failure(progress, 'http', `${current.href} answered HTTP ${status} without a Location.`);
      const next = toFeedUrl(location, current);
      if (typeof next === 'string') return failure(progress, 'invalid-url', `${current.href} redirected: ${next}`);
      if (visited.has(next.href)) {
        return failure(progress, 'redirect-loop', `${current.href} redirected back to ${next.href}, a redirect loop.`);
      }
      if (progress.redirects.length >= settings.maxRedirects) {
        return failure(progress, 'too-many-redirects', `Gave up after ${settings.maxRedirects} redirects, at ${current.href}.`);
      }
      visited.add(next.href);
      progress.redirects.push(next.href);
      // A temporary hop anywhere makes what follows it temporary too.
      progress.permanent &&= status === 301 || status === 308;
      if (progress.permanent) progress.movedTo = next.href;
      current = next;
      continue;
    }

    const etag = header(headers, 'etag');
    const lastModified = header(headers, 'last-modified');
    const maxAgeSeconds = parseMaxAge(header(headers, 'cache-control'));
    if (meaning === 'not-modified') {
      await discard(body, progress);
      return {
        status: 'not-modified',
        http: 304,
        url: current.href,
        etag: etag ?? settings.etag,
        lastModified: lastModified ?? settings.lastModified,
        maxAgeSeconds,
        bytes: 0,
        ms: elapsed(progress),
        redirects: progress.redirects,
        movedTo: progress.movedTo,
      };
    }
    if (meaning !== 'ok') {
      await discard(body, progress);
      const wait = meaning === 'rate-limited' ? retryAfterMs : null;
      return failure(progress, meaning, statusSentence(meaning, status, current, wait), wait);
    }

    const declared = parseContentLength(header(headers, 'content-length'));
    const codings = parseContentEncoding(header(headers, 'content-encoding'));
    const unsupported = codings.find((coding) => !DECODERS.has(coding));
    if (unsupported !== undefined || (declared !== null && declared > settings.maxBytes)) {
      cutOff(body);
      return unsupported !== undefined
        ? failure(progress, 'network', `${current.href} uses the unsupported content encoding "${unsupported}".`)
        : failure(progress, 'too-large', new ResponseTooLargeError(settings.maxBytes, 'declared').message);
    }
    const decoded = await readBody(body, codings, settings.maxBytes, progress);
    return {
      status: 'ok',
      http: status,
      url: current.href,
      body: decoded,
      contentType: header(headers, 'content-type'),
      etag,
      lastModified,
      maxAgeSeconds,
      bytes: progress.bytes,
      ms: elapsed(progress),
      redirects: progress.redirects,
      movedTo: progress.movedTo,
    };
  }
}

/** Streams the body through the decoders, counting wire and decompressed bytes; over the cap it throws at once. */
async function readBody(body: Readable, codings: string[], maxBytes: number, progress: Progress): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let decodedBytes = 0;
  await pipeline([
    body,
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        progress.bytes += chunk.length;
        if (progress.bytes > maxBytes) callback(new ResponseTooLargeError(maxBytes, 'wire'));
        else callback(null, chunk);
      },
    }),
    ...codings.map((coding) => DECODERS.get(coding)!()),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        decodedBytes += chunk.length;
        if (decodedBytes > maxBytes) return callback(new ResponseTooLargeError(maxBytes, 'decompressed'));
        chunks.push(chunk);
        callback();
      },
    }),
  ]);
  return Buffer.concat(chunks, decodedBytes);
}

// A Map, not an object literal: a coding named "constructor" must not find Object's.
const DECODERS = new Map<string, () => Transform>([
  ['gzip', () => zlib.createGunzip()],
  ['x-gzip', () => zlib.createGunzip()],
  ['deflate', () => zlib.createInflate()],
  ['br', () => zlib.createBrotliDecompress()],
]);

/**
 * Drops the body of a response whose status already decided the outcome. Reading it lets the
 * connection be reused; a large or failing body is cut off instead, which only costs the connection.
 */
async function discard(body: Readable, progress: Progress): Promise<void> {
  body.on('error', ignore);
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      progress.bytes += chunk.length;
      if (progress.bytes > DISCARD_LIMIT) break;
    }
  } catch {
    // The status is the answer; a broken body after it changes nothing.
  }
}

/** Stops a body mid-way, which closes its connection. undici reports that as an 'error' on the body, expected here. */
function cutOff(body: Readable): void {
  body.on('error', ignore).destroy();
}

function ignore(): void {}

function statusSentence(meaning: FetchErrorKind, status: number, url: URL, retryAfterMs: number | null): string {
  switch (meaning) {
    case 'not-found':
      return `${url.href} was not found (HTTP 404).`;
    case 'gone':
      return `${url.href} is gone for good (HTTP 410).`;
    case 'rate-limited':
      return retryAfterMs === null
        ? `${url.host} is rate-limiting us (HTTP ${status}).`
        : `${url.host} is rate-limiting us (HTTP ${status}) and asks to retry in ${Math.ceil(retryAfterMs / 1000)} s.`;
    default:
      return `${url.href} answered HTTP ${status}.`;
  }
}

/** An http(s) URL without fragment, or a sentence saying why `raw` is not one. */
function toFeedUrl(raw: string, base?: URL): URL | string {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return `"${raw}" is not a valid URL.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `"${raw}" is not an http or https URL.`;
  url.hash = '';
  return url;
}

/**
 * undici ignores a URL's `user:password`, so it is sent as Basic auth, as browsers do: from the URL
 * being requested, or from the first URL for a redirect within its origin, never to another origin.
 */
function withCredentials(headers: Record<string, string>, url: URL, first: URL): Record<string, string> {
  const source = url.username || url.password ? url : url.origin === first.origin ? first : url;
  if (!source.username && !source.password) return headers;
  const pair = `${percentDecoded(source.username)}:${percentDecoded(source.password)}`;
  return { ...headers, authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

function elapsed(progress: Progress): number {
  return Math.round(performance.now() - progress.started);
}

function failure(progress: Progress, kind: FetchErrorKind, message: string, retryAfterMs: number | null = null): FetchOutcome {
  return {
    status: 'error',
    kind,
    http: progress.http,
    // The message is stored and shown (status, /status, logs); the URL in it may carry a password.
    message: redactCredentials(message),
    retryAfterMs,
    url: progress.url,
    bytes: progress.bytes,
    ms: elapsed(progress),
    redirects: progress.redirects,
  };
}
