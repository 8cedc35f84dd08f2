import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchFeedServer {
  /** One URL per feed, in the order given; feeds are spread over the hosts (ports) round-robin. */
  readonly urls: string[];
  /** Response body bytes written so far (304s write none). */
  bodyBytes(): number;
  requests(): number;
  /** Every request in arrival order: the feed's URL, when it arrived, and the status once answered (null until then). */
  log(): readonly { url: string; at: number; status: number | null }[];
  /** New documents from now on, under a new ETag each. */
  replaceBodies(bodies: Buffer[]): void;
  /** The delay before every later response. */
  setLatencyMs(ms: number): void;
  close(): Promise<void>;
}

/**
 * A loopback feed server for the poll benchmark: static bodies, `latencyMs` added before every
 * response as a distant server would, an ETag per feed and a 304 when If-None-Match matches it.
 * Each of `hosts` listening ports is a distinct host to the poller (its per-host limit counts
 * host:port), so the global concurrency, not the per-host one, bounds the cycle.
 */
export async function startBenchFeedServer(options: { bodies: Buffer[]; hosts: number; latencyMs: number }): Promise<BenchFeedServer> {
  let bodyBytes = 0;
  let requests = 0;
  let bodies = options.bodies;
  let version = 1;
  let latencyMs = options.latencyMs;
  const log: { url: string; at: number; status: number | null }[] = [];
  const handler = (path: string, ifNoneMatch: string | undefined) => {
    const index = Number(/^\/feed\/(\d+)\.xml$/.exec(path)?.[1] ?? -1);
    const body = bodies[index];
    if (body === undefined) return { status: 404, headers: {}, body: Buffer.alloc(0) };
    const etag = `"feed-${index}-v${version}"`;
    if (ifNoneMatch === etag) return { status: 304, headers: { etag }, body: Buffer.alloc(0) };
    return { status: 200, headers: { etag, 'content-type': 'application/rss+xml; charset=utf-8' }, body };
  };
  const servers: Server[] = [];
  for (let host = 0; host < options.hosts; host++) {
    const server = createServer((req, res) => {
      requests++;
      const entry = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url ?? '/'}`, at: Date.now(), status: null as number | null };
      log.push(entry);
      const answer = handler(req.url ?? '/', req.headers['if-none-match']);
      setTimeout(() => {
        bodyBytes += answer.body.length;
        entry.status = answer.status;
        res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length }).end(answer.body);
      }, latencyMs);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    servers.push(server);
  }
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  return {
    urls: options.bodies.map((_, index) => `http://127.0.0.1:${ports[index % ports.length]}/feed/${index}.xml`),
    bodyBytes: () => bodyBytes,
    requests: () => requests,
    log: () => log,
    replaceBodies: (next) => {
      bodies = next;
      version++;
    },
    setLatencyMs: (ms) => {
      latencyMs = ms;
    },
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve, reject) => {
              server.closeAllConnections();
              server.close((error) => (error ? reject(error) : resolve()));
            }),
        ),
      );
    },
  };
}
