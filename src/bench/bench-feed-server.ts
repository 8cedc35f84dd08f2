import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchFeedServer {
  /** One URL per feed, in the order given; feeds are spread over the hosts (ports) round-robin. */
  readonly urls: string[];
  /** Response body bytes written so far (304s write none). */
  bodyBytes(): number;
  requests(): number;
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
  const handler = (path: string, ifNoneMatch: string | undefined) => {
    const index = Number(/^\/feed\/(\d+)\.xml$/.exec(path)?.[1] ?? -1);
    const body = options.bodies[index];
    if (body === undefined) return { status: 404, headers: {}, body: Buffer.alloc(0) };
    const etag = `"feed-${index}-v1"`;
    if (ifNoneMatch === etag) return { status: 304, headers: { etag }, body: Buffer.alloc(0) };
    return { status: 200, headers: { etag, 'content-type': 'application/rss+xml; charset=utf-8' }, body };
  };
  const servers: Server[] = [];
  for (let host = 0; host < options.hosts; host++) {
    const server = createServer((req, res) => {
      requests++;
      const answer = handler(req.url ?? '/', req.headers['if-none-match']);
      setTimeout(() => {
        bodyBytes += answer.body.length;
        res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length }).end(answer.body);
      }, options.latencyMs);
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
