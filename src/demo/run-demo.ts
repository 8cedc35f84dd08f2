import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAppContext } from '../app-context.js';
import { loadLens } from '../classify/lens-config.js';
import { createLensReader } from '../classify/lens-reader.js';
import { PREVIEW } from '../config/destination.js';
import { configSchema, digestScheduleSchema } from '../config/config-schema.js';
import { PACKAGE_ROOT } from '../config/load-config.js';
import { NO_DISCORD } from '../config/environment.js';
import type { Logger } from '../core/logger.js';
import type { Language } from '../core/types.js';
import { digestStoryCount } from '../digest/digest-types.js';
import { renderMarkdown } from '../digest/render-markdown.js';
import { buildScheduledDigest } from '../delivery/scheduled-digest.js';
import { createPreviewSender } from '../delivery/deliver-preview.js';
import type { OutboxPayload } from '../delivery/deliverer.js';
import { buildScheduledBriefing, type ScheduledBriefingDeps } from '../delivery/scheduled-briefing.js';
import { briefingParts } from '../delivery/write-briefing.js';
import { HISTORY_WEEKS, historyFeedTemplates, historyFile, parseHistory } from './history-feeds.js';
import { runPollCycle, type PollCycleReport } from '../pipeline/run-poll-cycle.js';
import { SAMPLE_FEEDS, SAMPLE_FEEDS_DIR } from './sample-feeds.js';
import { serveSampleFeeds } from './serve-sample-feeds.js';

/** The headline templates the demo's twelve weeks of back news are generated from. */
export const HISTORY_FILE = path.join(PACKAGE_ROOT, 'demo', 'history.yaml');

const DAY = 86_400_000;
const WEEK = 7 * DAY;

export interface DemoBriefing {
  /** Stories in the chart: the twelve weeks' items, each story once. */
  charted: number;
  markdown: string;
  markdownFile: string;
  pngFile: string;
}

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
  /** Items of the twelve weeks of back news, stored before the second poll. */
  history: number;
  briefing: DemoBriefing;
}

/**
 * One full cycle on the sample feeds, with no network and no credentials: serve them on loopback,
 * poll, classify offline, build the last 24 hours' digest on a temporary database, and return its
 * Markdown. The first poll of a feed stores what it holds as backlog, which no digest shows (a new
 * feed's archive must not flood a channel), so the demo polls twice, as the bot does over a day:
 * first the feeds as they looked 24 hours ago, then as they look now. Only what appeared in
 * between is news, exactly as after a day of running.
 */
export async function runDemo(options: { logger: Logger; language: Language; now?: number; briefingDir: string }): Promise<DemoReport> {
  const now = options.now ?? Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-demo-'));
  const history = historyFeedTemplates(parseHistory(readFileSync(HISTORY_FILE, 'utf8'), HISTORY_FILE));
  const server = await serveSampleFeeds({ dir: SAMPLE_FEEDS_DIR, now, asOf: now - DAY });
  // The back news is served empty at the first poll, so it is not a new feed's archive (backlog) but news.
  const archiveServer = await serveSampleFeeds({ templates: history, now, asOf: now - (HISTORY_WEEKS + 1) * WEEK });
  try {
    const config = configSchema.parse({
      database: path.join(dir, 'demo.db'),
      feeds: [
        ...SAMPLE_FEEDS.map((feed) => ({ url: server.url(feed.file), name: feed.name, language: feed.language })),
        ...SAMPLE_FEEDS.filter((feed) => history.has(historyFile(path.parse(feed.file).name))).map((feed) => ({
          url: archiveServer.url(historyFile(path.parse(feed.file).name)),
          name: feed.name,
          language: feed.language,
        })),
      ],
    });
    const ctx = await createAppContext({ ...config, source: 'the bundled sample feeds', discord: NO_DISCORD }, options.logger, now);
    try {
      const archive = await runPollCycle(ctx, { all: true, now });
      archiveServer.showUntil(now);
      const backNews = await runPollCycle(ctx, { all: true, now });
      server.showUntil(now);
      const fresh = await runPollCycle(ctx, { all: true, now });
      const schedule = digestScheduleSchema.parse({ name: 'demo', cron: '0 8 * * *', language: options.language, timezone: localTimeZone() });
      // Built after the cycle, as a scheduled digest is: its window ends when it is built.
      const builtAt = Math.max(now, Date.now()) + 1;
      const digest = await buildScheduledDigest(ctx, schedule, { from: builtAt - DAY, to: builtAt });
      const briefing = await writeDemoBriefing(ctx, options, builtAt);
      return {
        origin: server.origin,
        feeds: SAMPLE_FEEDS.length,
        archive,
        fresh,
        stories: digestStoryCount(digest),
        themes: digest.sections.length,
        markdown: renderMarkdown(digest),
        history: backNews.feeds.reduce((total, feed) => total + feed.new, 0),
        briefing,
      };
    } finally {
      await ctx.close();
    }
  } finally {
    await Promise.all([server.close(), archiveServer.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The weekly briefing of the demo's store, written as preview mode writes one: Markdown and its chart in `briefingDir`. */
async function writeDemoBriefing(
  ctx: Omit<ScheduledBriefingDeps, 'lens'>,
  options: { language: Language; briefingDir: string },
  builtAt: number,
): Promise<DemoBriefing> {
  const schedule = digestScheduleSchema.parse({ name: 'demo-briefing', kind: 'briefing', language: options.language, timezone: localTimeZone() });
  const briefing = await buildScheduledBriefing({ ...ctx, lens: createLensReader(loadLens()) }, schedule, { from: builtAt - schedule.window, to: builtAt });
  const { payloads, markdown, file } = briefingParts(briefing, PREVIEW, builtAt, 'schedule');
  const payload = { ...(JSON.parse(payloads[0] as string) as OutboxPayload), file };
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const outcome = await createPreviewSender({ out: quiet, dir: options.briefingDir })(payload);
  if (outcome.kind !== 'sent') throw new Error(`demo: cannot write the briefing: ${'reason' in outcome ? outcome.reason : outcome.kind}`);
  return {
    charted: briefing.chart.weeks.reduce((total, week) => total + Object.values(week.counts).reduce((sum, count) => sum + (count ?? 0), 0), 0),
    markdown,
    markdownFile: outcome.messageId,
    pngFile: path.join(options.briefingDir, file.name),
  };
}

/** The machine's zone, so the heading's date reads as the person running the demo expects. */
function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
