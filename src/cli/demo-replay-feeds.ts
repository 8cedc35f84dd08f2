import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReplayFeed } from '../bench/alerts-replay.js';
import { renderSampleFeed } from '../demo/render-sample-feed.js';

const DAY = 86_400_000;
const DEMO_FEEDS: [string, string, 'es' | 'pt' | 'en'][] = [
  ['diario-del-plata.xml', 'Diario del Plata', 'es'],
  ['agencia-sul.xml', 'Agência Sul', 'pt'],
  ['hemisphere-wire.atom', 'Hemisphere Wire', 'en'],
  ['el-caribe-hoy.atom', 'El Caribe Hoy', 'es'],
  ['observatorio-andino.xml', 'Observatorio Andino', 'es'],
];

/**
 * The demo's sample feeds (demo/feeds/) as a replay of alerting reads them: served at a fixed moment,
 * what they held a day before being the archive of their first poll (backlog), as in the demo.
 */
export async function demoReplayFeeds(): Promise<ReplayFeed[]> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const now = Date.UTC(2026, 10, 30, 12);
  return Promise.all(
    DEMO_FEEDS.map(async ([file, name, language]) => ({
      name,
      language,
      body: Buffer.from(renderSampleFeed(await readFile(path.join(root, 'demo/feeds', file), 'utf8'), now)),
      contentType: file.endsWith('.atom') ? 'application/atom+xml' : 'application/rss+xml',
      fetchedAt: now,
      backlogBefore: now - DAY + 1,
    })),
  );
}
