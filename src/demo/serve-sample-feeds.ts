import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { renderSampleFeed } from './render-sample-feed.js';

export interface SampleFeedServer {
  /** e.g. http://127.0.0.1:40123 */
  readonly origin: string;
  url(file: string): string;
  /** Serves the feeds as they looked at `at`: later entries are hidden until then. */
  showUntil(at: number): void;
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.xml': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
};

/**
 * A static server for the demo's sample feeds on 127.0.0.1 (a free port): each `.xml` or `.atom`
 * file in `dir` (or each of `templates`) at `/<file>`, its date placeholders filled in relative to `now`, with an ETag so an
 * unchanged feed answers 304 as a well-behaved server does.
 */
export async function serveSampleFeeds(options: { dir: string; now: number; asOf?: number } | { templates: ReadonlyMap<string, string>; now: number; asOf?: number }): Promise<SampleFeedServer> {
  const templates =
    'templates' in options
      ? options.templates
      : new Map(
          readdirSync(options.dir)
            .filter((file) => path.extname(file) in CONTENT_TYPES)
            .map((file) => [file, readFileSync(path.join(options.dir, file), 'utf8')]),
        );
  let asOf = options.asOf ?? options.now;

  const server: Server = createServer((req, res) => {
    const file = decodeURIComponent(new URL(req.url ?? '/', 'http://demo').pathname.slice(1));
    const template = templates.get(file);
    if (template === undefined || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such sample feed\n');
      return;
    }
    const body = renderSampleFeed(template, options.now, asOf);
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)], etag }).end(body);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (file) => `${origin}/${encodeURIComponent(file)}`,
    showUntil(at) {
      asOf = at;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
