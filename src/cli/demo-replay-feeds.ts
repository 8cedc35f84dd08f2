import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReplayFeed } from '../bench/alerts-replay.js';
import { renderSampleFeed } from '../demo/render-sample-feed.js';
import { SAMPLE_FEEDS, SAMPLE_FEEDS_DIR } from '../demo/sample-feeds.js';

const DAY = 86_400_000;

/**
 * The demo's sample feeds (demo/feeds/) as a replay of alerting reads them: served at a fixed moment,
 * what they held a day before being the archive of their first poll (backlog), as in the demo.
 */
export async function demoReplayFeeds(): Promise<ReplayFeed[]> {
  const now = Date.UTC(2026, 10, 30, 12);
  return Promise.all(
    SAMPLE_FEEDS.map(async ({ file, name, language }) => ({
      name,
      language,
      body: Buffer.from(renderSampleFeed(await readFile(path.join(SAMPLE_FEEDS_DIR, file), 'utf8'), now)),
      contentType: file.endsWith('.atom') ? 'application/atom+xml' : 'application/rss+xml',
      fetchedAt: now,
      backlogBefore: now - DAY + 1,
    })),
  );
}
