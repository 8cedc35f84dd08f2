import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';

/**
 * A loopback feed server for tests. Routes are declared per path: a body (a fixture's bytes),
 * validators that turn conditional requests into 304s, redirects, error statuses, and faults —
 * delays, dripping, huge generated bodies, compression, early closes. Every request is recorded
 * with its headers, the connection it came on, the body bytes written and how the response ended.
 *
 *   const server = await startFeedServer();
 *   const url = server.route('/a.xml', { body: fixture, etag: '"v1"' });
 *   ...fetch url...
 *   expect(server.requests('/a.xml')[0]?.headers['user-agent']).toMatch(/Sancocho/);
 *   await server.close();
 */

export interface FeedRoute {
  /** Default 200, or 302 when `redirect` is set. */
  status?: number;
  /** The body: a fixture's bytes or a UTF-8 string. */
  body?: string | Buffer;
  /** Instead of `body`: a generated body of this many bytes, streamed in 64 KiB chunks. */
  size?: number;
  /** Default 'application/rss+xml; charset=utf-8' when there is a body. */
  contentType?: string;
  /** Sent as ETag; a 2xx route answers 304 when If-None-Match matches it. */
  etag?: string;
  /** Sent as Last-Modified; a 2xx route answers 304 when If-Modified-Since is not older. */
  lastModified?: string;
  /** Sent as Location, relative or absolute. */
  redirect?: string;
  /** Compress `body` and say so in Content-Encoding. */
  encoding?: 'gzip' | 'deflate' | 'br';
  /** Declare this Content-Length whatever is sent, or `false` for none (chunked). Default: the true length. */
  contentLength?: number | false;
  /** Extra headers; they override the ones derived above. */
  headers?: Record<string, string>;
  /** Wait this long before sending headers (added to the server's `latencyMs`). */
  delayMs?: number;
  /** Send the body `bytes` at a time, waiting `everyMs` between slices. */
  drip?: { bytes: number; everyMs: number };
  /** Close the connection once this many body bytes are written. */
  closeAfterBytes?: number;
}

export interface FeedServerOptions {
  /** Address to listen on; default 127.0.0.1. Another loopback address (127.0.0.2) makes a second distinct host. */
  host?: string;
  /** Added before every response's headers, as a slow network would. */
  latencyMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Which connection carried it: 1 for the server's first, and so on. */
  connection: number;
  /** Null until headers are sent. */
  status: number | null;
  /** Body bytes handed to the socket (after compression). */
  bodyBytes: number;
  /** 'client-closed': the client hung up before the response was complete. */
  end: 'pending' | 'finished' | 'client-closed' | 'server-closed';
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface FeedServer {
  /** e.g. http://127.0.0.1:40123 */
  readonly origin: string;
  readonly port: number;
  /** Declares (or replaces) what `path` answers; returns its URL. Unrouted paths answer 404. */
  route(path: string, route: FeedRoute): string;
  url(path: string): string;
  /** Requests so far, all or for one path (query ignored), oldest first. */
  requests(path?: string): RecordedRequest[];
  /** Connections open right now. */
  openConnections(): number;
  /** Resolves once every response so far has finished or been cut off. */
  settled(): Promise<void>;
  /** Resolves once no connection is open; rejects after `timeoutMs` (default 2000) naming how many are. */
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface PreparedRoute extends FeedRoute {
  payload: Buffer | number;
}

const CHUNK_BYTES = 64 * 1024;
const FILLER = Buffer.alloc(CHUNK_BYTES, '<!-- filler to make a large body -->\n');

export async function startFeedServer(options: FeedServerOptions = {}): Promise<FeedServer> {
  const routes = new Map<string, PreparedRoute>();
  const recorded: RecordedRequest[] = [];
  const responses = new Set<Promise<void>>();
  const sockets = new Map<Socket, number>();
  let connections = 0;
  let idleWaiters: (() => void)[] = [];

  const server = createServer((req, res) => {
    const ended = serve(req, res);
    responses.add(ended);
    void ended.finally(() => responses.delete(ended));
  });
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, ++connections);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) {
        for (const wake of idleWaiters) wake();
        idleWaiters = [];
      }
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      connection: sockets.get(req.socket) ?? 0,
      status: null,
      bodyBytes: 0,
      end: 'pending',
      at: Date.now(),
    };
    recorded.push(record);
    req.resume();

    // Aborts pending delays and drips as soon as the connection goes, so nothing outlives it.
    const gone = new AbortController();
    let cutByUs = false;
    const ended = new Promise<void>((resolve) => {
      res.on('close', () => {
        record.end = res.writableFinished ? 'finished' : cutByUs ? 'server-closed' : 'client-closed';
        gone.abort();
        resolve();
      });
    });
    const cut = (): void => {
      cutByUs = true;
      res.destroy();
    };

    try {
      const route = routes.get(new URL(path, 'http://feed-server').pathname);
      const delayMs = (options.latencyMs ?? 0) + (route?.delayMs ?? 0);
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: gone.signal });
      if (route === undefined) {
        record.status = 404;
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no route');
      } else {
        await respond(route, req, res, record, gone.signal, cut);
      }
    } catch (error) {
      // The client left mid-delay or mid-body: `ended` has recorded it. Anything else is a bug in
      // this fake, and escapes as an unhandled rejection so that the test run fails on it.
      if (!gone.signal.aborted) {
        res.destroy();
        throw error;
      }
    }
    return ended;
  }

  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${host}:${address.port}`;

  return {
    origin,
    port: address.port,
    route(path, route) {
      if (!path.startsWith('/')) throw new Error(`feed-server: route paths start with "/", got "${path}"`);
      routes.set(path, prepare(route));
      return origin + path;
    },
    url: (path) => origin + path,
    requests: (path) =>
      path === undefined ? [...recorded] : recorded.filter((r) => r.path === path || r.path.startsWith(`${path}?`)),
    openConnections: () => sockets.size,
    async settled() {
      await Promise.all(responses);
    },
    idle(timeoutMs = 2000) {
      if (sockets.size === 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`feed-server: ${sockets.size} connection(s) still open after ${timeoutMs} ms`)),
          timeoutMs,
        );
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function prepare(route: FeedRoute): PreparedRoute {
  if (route.size !== undefined && (route.body !== undefined || route.encoding !== undefined)) {
    throw new Error('feed-server: `size` generates the body, so it takes neither `body` nor `encoding`');
  }
  const raw = typeof route.body === 'string' ? Buffer.from(route.body, 'utf8') : (route.body ?? Buffer.alloc(0));
  return { ...route, payload: route.size ?? (route.encoding ? encode(raw, route.encoding) : raw) };
}

function encode(body: Buffer, encoding: NonNullable<FeedRoute['encoding']>): Buffer {
  switch (encoding) {
    case 'gzip':
      return zlib.gzipSync(body);
    case 'deflate':
      return zlib.deflateSync(body);
    case 'br':
      return zlib.brotliCompressSync(body);
  }
}

async function respond(
  route: PreparedRoute,
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordedRequest,
  signal: AbortSignal,
  cut: () => void,
): Promise<void> {
  const status = route.status ?? (route.redirect === undefined ? 200 : 302);
  const validators: OutgoingHttpHeaders = {};
  if (route.etag !== undefined) validators.etag = route.etag;
  if (route.lastModified !== undefined) validators['last-modified'] = route.lastModified;

  if (status >= 200 && status < 300 && notModified(route, req.headers)) {
    record.status = 304;
    res.writeHead(304, { ...validators, ...route.headers }).end();
    return;
  }

  const length = typeof route.payload === 'number' ? route.payload : route.payload.length;
  const headers: OutgoingHttpHeaders = { ...validators };
  if (route.redirect !== undefined) headers.location = route.redirect;
  if (length > 0) headers['content-type'] = route.contentType ?? 'application/rss+xml; charset=utf-8';
  if (route.encoding !== undefined) headers['content-encoding'] = route.encoding;
  if (route.contentLength !== false) headers['content-length'] = route.contentLength ?? length;
  record.status = status;
  res.writeHead(status, { ...headers, ...route.headers });

  const sliceBytes = route.drip?.bytes ?? CHUNK_BYTES;
  const stopAt = Math.min(length, route.closeAfterBytes ?? Infinity);
  for (let offset = 0; offset < stopAt; ) {
    if (route.drip && offset > 0) await sleep(route.drip.everyMs, undefined, { signal });
    const end = Math.min(stopAt, offset + sliceBytes);
    const chunk = typeof route.payload === 'number' ? FILLER.subarray(0, end - offset) : route.payload.subarray(offset, end);
    record.bodyBytes += chunk.length;
    offset = end;
    if (!res.write(chunk)) await once(res, 'drain', { signal });
  }
  if (route.closeAfterBytes !== undefined && route.closeAfterBytes < length) {
    // Let what was written reach the client, then hang up short of the declared length.
    res.flushHeaders();
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    cut();
    return;
  }
  res.end();
}

function notModified(route: FeedRoute, headers: IncomingHttpHeaders): boolean {
  const ifNoneMatch = headers['if-none-match'];
  // RFC 9110 §13.2.2: If-None-Match, when sent, decides alone.
  if (ifNoneMatch !== undefined) {
    if (route.etag === undefined) return false;
    const wanted = route.etag.replace(/^W\//, '');
    return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === wanted);
  }
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince === undefined || route.lastModified === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  const modified = Date.parse(route.lastModified);
  return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
}
