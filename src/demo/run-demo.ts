import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAppContext } from '../app-context.js';
import { configSchema, digestScheduleSchema } from '../config/config-schema.js';
import { PACKAGE_ROOT } from '../config/load-config.js';
import { NO_DISCORD } from '../config/environment.js';
import type { Logger } from '../core/logger.js';
import type { Language } from '../core/types.js';
import { digestStoryCount } from '../digest/digest-types.js';
import { renderMarkdown } from '../digest/render-markdown.js';
import { buildScheduledDigest } from '../delivery/scheduled-digest.js';
import { runPollCycle, type PollCycleReport } from '../pipeline/run-poll-cycle.js';
import { serveSampleFeeds } from './serve-sample-feeds.js';

export const SAMPLE_FEEDS_DIR = path.join(PACKAGE_ROOT, 'demo', 'feeds');

/** The bundled sample feeds: fictional outlets, three languages, RSS and Atom. */
const SAMPLE_FEEDS: { file: string; name: string; language: Language }[] = [
  { file: 'diario-del-plata.xml', name: 'Diario del Plata', language: 'es' },
  { file: 'agencia-sul.xml', name: 'Agência Sul', language: 'pt' },
  { file: 'hemisphere-wire.atom', name: 'Hemisphere Wire', language: 'en' },
  { file: 'el-caribe-hoy.atom', name: 'El Caribe Hoy', language: 'es' },
  { file: 'observatorio-andino.xml', name: 'Observatorio Andino', language: 'es' },
];

const DAY = 86_400_000;

export interface DemoReport {
  origin: string;
  feeds: number;
  /** The first poll: what the feeds held a day ago, stored as backlog. */
  archive: PollCycleReport;
  /** The second poll: what appeared since, classified and digested. */
  fresh: PollCycleReport;
  stories: number;
  themes: number;
  markdown: string;
}

/**
 * One full cycle on the sample feeds, with no network and no credentials: serve them on loopback,
 * poll, classify offline, build the last 24 hours' digest on a temporary database, and return its
 * Markdown. The first poll of a feed stores what it holds as backlog, which no digest shows (a new
 * feed's archive must not flood a channel), so the demo polls twice, as the bot does over a day:
 * first the feeds as they looked 24 hours ago, then as they look now. Only what appeared in
 * between is news, exactly as after a day of running.
 */
export async function runDemo(options: { logger: Logger; language: Language; now?: number }): Promise<DemoReport> {
  const now = options.now ?? Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-demo-'));
  const server = await serveSampleFeeds({ dir: SAMPLE_FEEDS_DIR, now, asOf: now - DAY });
  try {
    const config = configSchema.parse({
      database: path.join(dir, 'demo.db'),
      feeds: SAMPLE_FEEDS.map((feed) => ({ url: server.url(feed.file), name: feed.name, language: feed.language })),
    });
    const ctx = await createAppContext({ ...config, source: 'the bundled sample feeds', discord: NO_DISCORD }, options.logger, now);
    try {
      const archive = await runPollCycle(ctx, { all: true, now });
      server.showUntil(now);
      const fresh = await runPollCycle(ctx, { all: true, now });
      const schedule = digestScheduleSchema.parse({ name: 'demo', cron: '0 8 * * *', language: options.language, timezone: localTimeZone() });
      // Built after the cycle, as a scheduled digest is: its window ends when it is built.
      const builtAt = Math.max(now, Date.now()) + 1;
      const digest = await buildScheduledDigest(ctx, schedule, { from: builtAt - DAY, to: builtAt });
      return {
        origin: server.origin,
        feeds: SAMPLE_FEEDS.length,
        archive,
        fresh,
        stories: digestStoryCount(digest),
        themes: digest.sections.length,
        markdown: renderMarkdown(digest),
      };
    } finally {
      await ctx.close();
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The machine's zone, so the heading's date reads as the person running the demo expects. */
function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
