import type { DigestScheduleConfig } from '../config/config-schema.js';
import type { ThemeId } from '../core/themes.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../ops/metrics.js';
import { addOverviews, buildDigest } from '../digest/build-digest.js';
import type { OverviewWriter } from '../digest/digest-overview.js';
import { digestStoryCount, type Digest } from '../digest/digest-types.js';
import { loadDigestItems } from '../digest/load-digest-items.js';
import { digestItemIds, storyItems, withoutReceived } from '../digest/received-stories.js';
import { renderDiscordDigest } from '../digest/render-discord.js';
import { renderMarkdown } from '../digest/render-markdown.js';
import { latestSlot } from '../digest/schedule-slots.js';
import { messageViolations } from '../digest/split-messages.js';
import type { Deliverer, OutboxPayload } from '../discord/deliverer.js';
import { PREVIEW, configuredDestination, describeDestination, type Destination } from '../discord/destination.js';
import { createClassificationStore } from '../store/classification-store.js';
import { createDeliveryStore, type PartItem } from '../store/delivery-store.js';
import type { FeedStore } from '../store/feed-store.js';
import type { ItemStore } from '../store/item-store.js';
import type { Database } from '../store/open-database.js';
import { createOutboxStore, type DigestStatus, type DigestTrigger, type OutboxDigest } from '../store/outbox-store.js';
import { createRouteStore } from '../store/route-store.js';
import { writeTransaction } from '../store/write-transaction.js';
import type { Job } from './scheduler.js';

/**
 * Digests on their schedules, through the outbox: build → write the digest and all its parts →
 * send the parts in order, each marked sent only after Discord accepted it. Also the start-up
 * catch-up (a digest missed while Sancocho was down goes out once, if still inside its window)
 * and the outbox retries (every minute, with backoff per part).
 */

export interface RetryPolicy {
  /** Wait after the first failed attempt; doubles each time. */
  baseMs: number;
  maxMs: number;
  /** Attempts before a part (and the rest of its digest) is given up. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 10 };

export interface DigestJobDeps {
  db: Database;
  feeds: FeedStore;
  items: ItemStore;
  logger: Logger;
  schedules: DigestScheduleConfig[];
  deliverer: Deliverer;
  overview?: OverviewWriter | undefined;
  /** DISCORD_API_BASE, when set: webhooks go through it too. */
  webhookApiBase?: string | undefined;
  now?: () => number;
  retry?: Partial<RetryPolicy>;
  metrics?: Pick<Metrics, 'digestPartSent' | 'digestPartFailed'> | undefined;
  /** Aborted when Sancocho stops and stops waiting: a send in flight gives up (`interrupted`). */
  signal?: AbortSignal | undefined;
}

export interface DigestReport {
  schedule: string;
  digestId: number;
  trigger: DigestTrigger;
  /** Safe to print: "channel 123", "webhook 456", "preview". */
  destination: string;
  status: DigestStatus;
  stories: number;
  parts: number;
  sentParts: number;
  error: string | null;
  /** False when the digest existed already (the slot was built before); only its unsent parts went out. */
  created: boolean;
  /** Stories of the window left out because the destination already received them (when the digest was built now). */
  alreadyReceived?: number;
  /**
   * The theme sections also sent to channels that subscribed to them with /subscribe, one digest per
   * channel; present only when some route applies (bot mode, a routed theme the schedule covers).
   */
  routed?: DigestReport[];
}

export interface RunOptions {
  trigger: DigestTrigger;
  /** The slot the digest belongs to; its window ends there. Default: now. */
  slotAt?: number;
  /** Overrides the schedule's window (`--since`). */
  windowMs?: number;
}

export type DigestRunner = ReturnType<typeof createDigestRunner>;

export function createDigestRunner(deps: DigestJobDeps) {
  const log = deps.logger.child({ module: 'digest-job' });
  const now = deps.now ?? Date.now;
  const retry = { ...DEFAULT_RETRY, ...deps.retry };
  const outbox = createOutboxStore(deps.db);
  const routes = createRouteStore(deps.db);
  const deliveries = createDeliveryStore(deps.db);
  let stopping = false;
  let chain: Promise<unknown> = Promise.resolve();
  const warnedUndeliverable = new Set<string>();

  /** Sends are serialized: one part at a time, so order holds and stop() waits for one write only. */
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = chain.then(work, work);
    chain = run.catch(() => undefined);
    return run;
  }

  function destinationFor(schedule: DigestScheduleConfig): Destination {
    const destination = configuredDestination(schedule.destination, deps.webhookApiBase);
    if (deps.deliverer.canDeliver(destination)) return destination;
    if (!warnedUndeliverable.has(schedule.name)) {
      warnedUndeliverable.add(schedule.name);
      log.warn(
        { schedule: schedule.name, destination: describeDestination(destination) },
        `digest-job: ${schedule.name} posts to ${describeDestination(destination)}, which needs DISCORD_TOKEN; previewing it instead`,
      );
    }
    return PREVIEW;
  }

  function destinationByKey(key: string): Destination | undefined {
    if (key === PREVIEW.key) return PREVIEW;
    if (key.startsWith('channel:')) return { kind: 'channel', key, channelId: key.slice('channel:'.length) };
    for (const schedule of deps.schedules) {
      const destination = configuredDestination(schedule.destination, deps.webhookApiBase);
      if (destination.key === key) return destination;
    }
    return undefined;
  }

  /** The outbox parts of a digest, each with the items it carries (delivered when the part is sent). */
  function partsFor(digest: Digest, markdown: string, destination: Destination, slotAt: number, trigger: DigestTrigger): { payload: string; items: PartItem[] }[] {
    const items = storyItems(digest);
    // Nothing new for this destination: nothing to post, not even a "no news" preview.
    if (digestStoryCount(digest) === 0 && (digest.alreadyReceived ?? 0) > 0) return [];
    if (destination.kind === 'preview') {
      const payload: OutboxPayload = { type: 'markdown', markdown, fileName: previewFileName(digest, slotAt, trigger) };
      return [{ payload: JSON.stringify(payload), items: [...items.values()].flat() }];
    }
    return renderDiscordDigest(digest).map((part, index) => {
      const problems = messageViolations(part.body);
      if (problems.length > 0) throw new Error(`digest-job: part ${index + 1} of ${digest.schedule} breaks Discord limits: ${problems.join('; ')}`);
      const payload: OutboxPayload = { type: 'discord', body: part.body };
      return { payload: JSON.stringify(payload), items: part.storyIds.flatMap((id) => items.get(id) ?? []) };
    });
  }

  /**
   * Writes a built digest for one destination to the outbox, in one transaction: its stories checked
   * once more against what the destination has (a digest built at the same time for the same
   * destination may have queued some of them since), rendered, and each part written with its items.
   */
  const enqueue = writeTransaction(
    deps.db,
    (built: Digest, target: { slotAt: number; trigger: DigestTrigger; destination: Destination; window: { from: number; to: number } }) => {
      const digest = withoutReceived(built, deliveries.received(target.destination.key, digestItemIds(built)));
      const markdown = renderMarkdown(digest);
      const parts = partsFor(digest, markdown, target.destination, target.slotAt, target.trigger);
      const result = outbox.enqueue({
        schedule: digest.schedule,
        slotAt: target.slotAt,
        trigger: target.trigger,
        destination: target.destination.key,
        windowFrom: target.window.from,
        windowTo: target.window.to,
        stories: digestStoryCount(digest),
        markdown,
        payloads: parts.map((part) => part.payload),
        now: now(),
      });
      if (result.created) deliveries.recordParts(result.digest.id, parts.map((part) => part.items));
      return { ...result, alreadyReceived: digest.alreadyReceived ?? 0 };
    },
  );

  function report(digest: OutboxDigest, created: boolean): DigestReport {
    return {
      schedule: digest.schedule,
      digestId: digest.id,
      trigger: digest.trigger,
      destination: describeDestination({ key: digest.destination }),
      status: digest.status,
      stories: digest.stories,
      parts: digest.parts,
      sentParts: digest.sentParts,
      error: digest.error ?? (digest.status === 'pending' ? (outbox.parts(digest.id).find((part) => part.lastError)?.lastError ?? null) : null),
      created,
    };
  }

  /** Builds, writes to the outbox, then sends one digest. The same slot twice builds once. */
  async function run(schedule: DigestScheduleConfig, options: RunOptions): Promise<DigestReport> {
    const slotAt = options.slotAt ?? now();
    const destination = destinationFor(schedule);
    const window = { from: slotAt - (options.windowMs ?? schedule.window), to: slotAt };
    const existing = outbox.find(schedule.name, slotAt, destination.key);
    if (existing) {
      await flush(existing.id);
      return withRoutes(report(outbox.get(existing.id) as OutboxDigest, false), await runRoutes(schedule, slotAt, window, options.trigger));
    }
    const digest = await buildScheduledDigest(deps, schedule, window, { destination: destination.key });
    // A preview always shows the digest (even "no news"); Discord gets nothing for an empty one, and
    // no destination gets anything when all the window's stories went there before.
    const { created, digest: row, alreadyReceived } = enqueue(digest, { slotAt, trigger: options.trigger, destination, window });
    if (row.status === 'empty') {
      log.info(
        { schedule: schedule.name, trigger: options.trigger, alreadyReceived },
        alreadyReceived > 0
          ? `digest-job: ${schedule.name} has nothing new for ${describeDestination(destination)}; all ${alreadyReceived} of its stories were sent there before; nothing sent`
          : `digest-job: ${schedule.name} has no stories in its window; nothing sent`,
      );
    }
    await flush(row.id);
    const final = { ...report(outbox.get(row.id) as OutboxDigest, created), alreadyReceived };
    log.info(
      { schedule: schedule.name, trigger: options.trigger, destination: final.destination, status: final.status, stories: final.stories, parts: final.parts, sent: final.sentParts },
      `digest-job: ${schedule.name} ${final.status}: ${final.sentParts}/${final.parts} parts to ${final.destination}`,
    );
    return withRoutes(final, await runRoutes(schedule, slotAt, window, options.trigger));
  }

  function withRoutes(main: DigestReport, routed: DigestReport[]): DigestReport {
    return routed.length === 0 ? main : { ...main, routed };
  }

  /**
   * Theme routes (/subscribe): per channel, the themes routed to it that this schedule covers. Only
   * where the bot can post, and never the schedule's own channel, which gets every section anyway.
   */
  function routedChannels(schedule: DigestScheduleConfig): Map<string, Set<ThemeId>> {
    const own = destinationFor(schedule).key;
    const channels = new Map<string, Set<ThemeId>>();
    for (const route of routes.all()) {
      const key = `channel:${route.channelId}`;
      if (key === own || !schedule.themes.includes(route.theme)) continue;
      if (!deps.deliverer.canDeliver({ kind: 'channel', key, channelId: route.channelId })) continue;
      const themes = channels.get(route.channelId) ?? new Set<ThemeId>();
      themes.add(route.theme);
      channels.set(route.channelId, themes);
    }
    return channels;
  }

  /**
   * Sends the routed sections of a schedule's slot: one digest per subscribed channel holding only
   * the sections of its themes, through the same outbox (one row per schedule, slot and channel), so
   * retries, restarts and exactly-once delivery work as for the schedule's own destination. Each
   * channel's digest is built for it, so it leaves out the stories that channel already received.
   */
  async function runRoutes(
    schedule: DigestScheduleConfig,
    slotAt: number,
    window: { from: number; to: number },
    trigger: DigestTrigger,
  ): Promise<DigestReport[]> {
    const channels = routedChannels(schedule);
    const reports: DigestReport[] = [];
    for (const [channelId, themes] of channels) {
      if (stopping) break;
      const destination: Destination = { kind: 'channel', key: `channel:${channelId}`, channelId };
      let row = outbox.find(schedule.name, slotAt, destination.key);
      let created = false;
      if (!row) {
        const routed = await buildScheduledDigest(deps, schedule, window, { destination: destination.key, themes });
        const enqueued = enqueue(routed, { slotAt, trigger, destination, window });
        row = enqueued.digest;
        created = enqueued.created;
      }
      await flush(row.id);
      const routedReport = report(outbox.get(row.id) as OutboxDigest, created);
      log.info(
        { schedule: schedule.name, destination: routedReport.destination, themes: [...themes], status: routedReport.status, stories: routedReport.stories },
        `digest-job: ${schedule.name} routed sections ${routedReport.status}: ${routedReport.sentParts}/${routedReport.parts} parts to ${routedReport.destination}`,
      );
      reports.push(routedReport);
    }
    return reports;
  }

  async function flushDigest(id: number): Promise<void> {
    const digest = outbox.get(id);
    if (!digest || digest.status !== 'pending') return;
    const destination = destinationByKey(digest.destination);
    const label = describeDestination({ key: digest.destination });
    if (!destination) {
      const error = `${label} is no longer in the configuration; its unsent parts are dropped`;
      outbox.markFailed(id, error, now());
      log.error({ digest: id, schedule: digest.schedule }, `digest-job: ${error}`);
      return;
    }
    if (!deps.deliverer.canDeliver(destination)) {
      if (!warnedUndeliverable.has(digest.destination)) {
        warnedUndeliverable.add(digest.destination);
        log.warn({ digest: id, destination: label }, `digest-job: digest ${id} waits for DISCORD_TOKEN to post to ${label}`);
      }
      return;
    }
    for (const part of outbox.parts(id)) {
      if (part.status === 'sent') continue;
      if (part.status === 'failed' || part.nextAttemptAt > now() || stopping) return;
      const payload = JSON.parse(part.payload) as OutboxPayload;
      // Recorded before the request leaves: if this process dies mid-send, the next one knows to look.
      outbox.markAttempt(id, part.part, now());
      const outcome = await deps.deliverer.send(destination, payload, { nonce: part.nonce, earlierAttemptAt: part.attemptedAt, signal: deps.signal });
      if (outcome.kind === 'sent') deps.metrics?.digestPartSent(destination.kind);
      else if (outcome.kind !== 'interrupted') deps.metrics?.digestPartFailed(destination.kind, outcome.kind);
      const at = now();
      switch (outcome.kind) {
        case 'sent':
          outbox.markSent(id, part.part, outcome.messageId, at);
          outbox.clearDestinationError(digest.destination);
          continue;
        case 'retry': {
          const attempts = part.attempts + 1;
          if (attempts >= retry.maxAttempts) {
            outbox.markFailed(id, `gave up after ${attempts} attempts: ${outcome.reason}`, at);
            log.error({ digest: id, part: part.part, reason: outcome.reason }, `digest-job: digest ${id} part ${part.part} given up after ${attempts} attempts`);
            return;
          }
          const wait = Math.max(outcome.retryAfterMs ?? 0, Math.min(retry.maxMs, retry.baseMs * 2 ** (attempts - 1)));
          outbox.markRetry(id, part.part, outcome.reason, at + wait);
          log.warn(
            { digest: id, part: part.part, attempts, retryInMs: wait, reason: outcome.reason },
            `digest-job: digest ${id} part ${part.part} not sent; retrying in ${Math.ceil(wait / 1000)}s`,
          );
          return;
        }
        case 'refused':
          outbox.recordDestinationError(digest.destination, outcome.reason, at);
          outbox.markFailed(id, outcome.reason, at);
          log.error({ digest: id, destination: label, reason: outcome.reason }, `digest-job: ${outcome.reason}; not retrying`);
          return;
        case 'rejected':
          outbox.markFailed(id, outcome.reason, at);
          log.error({ digest: id, part: part.part, reason: outcome.reason }, `digest-job: ${outcome.reason}`);
          return;
        case 'interrupted':
          log.info(
            { digest: id, part: part.part, destination: label },
            `digest-job: stopped while digest ${id} part ${part.part} was on its way to ${label}; the next start checks whether it arrived before sending it`,
          );
          return;
      }
    }
  }

  /** Sends the unsent parts: of one digest, or of every pending digest (oldest first). */
  function flush(digestId?: number): Promise<void> {
    return exclusive(async () => {
      const ids = digestId === undefined ? outbox.pendingDigestIds() : [digestId];
      for (const id of ids) {
        if (stopping) return;
        await flushDigest(id);
      }
    });
  }

  /**
   * At start-up: send what a crash left unsent, then, per schedule, the latest slot's digest if it
   * was missed, its window has not passed, and the schedule existed when the slot came.
   */
  async function catchUp(): Promise<DigestReport[]> {
    await flush();
    const reports: DigestReport[] = [];
    for (const schedule of deps.schedules) {
      if (stopping) break;
      const at = now();
      const firstSeen = outbox.firstSeen(schedule.name, at);
      const slot = latestSlot(schedule.cron, schedule.timezone, at, schedule.window);
      if (slot === null || slot < firstSeen) continue;
      if (outbox.find(schedule.name, slot, destinationFor(schedule).key)) continue;
      log.info({ schedule: schedule.name, slot: new Date(slot).toISOString() }, `digest-job: ${schedule.name} was missed at ${new Date(slot).toISOString()}; sending it now`);
      reports.push(await run(schedule, { trigger: 'catch-up', slotAt: slot }));
    }
    return reports;
  }

  /** A cron tick: the digest of the slot that just came. */
  async function runScheduled(schedule: DigestScheduleConfig): Promise<DigestReport> {
    const at = now();
    outbox.firstSeen(schedule.name, at);
    const slot = latestSlot(schedule.cron, schedule.timezone, at, Math.max(schedule.window, 10 * 60_000)) ?? Math.floor(at / 60_000) * 60_000;
    return run(schedule, { trigger: 'schedule', slotAt: slot });
  }

  return {
    run,
    runScheduled,
    catchUp,
    flush,
    pendingDigests: () => outbox.pendingDigestIds(),
    /**
     * Sends nothing more and waits for the send in flight; once `signal` is aborted that send gives
     * up and its part stays in flight, looked up at the next start.
     */
    async stop(): Promise<void> {
      stopping = true;
      await chain;
    },
  };
}

/**
 * The digest of a schedule for a window: items from the stores, clustered, ranked, with overviews.
 * For a destination (its outbox key), without the stories it already received; with `themes`, only
 * those sections (a theme route), each story still filed under the one theme it is most about.
 */
export async function buildScheduledDigest(
  deps: Pick<DigestJobDeps, 'db' | 'feeds' | 'items' | 'overview'>,
  schedule: DigestScheduleConfig,
  window: { from: number; to: number },
  target?: { destination: string; themes?: ReadonlySet<ThemeId> },
): Promise<Digest> {
  const classifications = createClassificationStore(deps.db);
  const items = loadDigestItems({ items: deps.items, feeds: deps.feeds, classifications }, schedule.themes, window);
  const received = target
    ? createDeliveryStore(deps.db).received(target.destination, items.map((item) => item.id))
    : new Map<number, string>();
  const built = buildDigest(
    {
      schedule: schedule.name,
      themes: schedule.themes,
      maxPerTheme: schedule.maxPerTheme,
      language: schedule.language,
      timezone: schedule.timezone,
      ...window,
    },
    items,
    { received },
  );
  const themes = target?.themes;
  const digest = themes ? { ...built, sections: built.sections.filter((section) => themes.has(section.theme)) } : built;
  if (!deps.overview || digest.sections.length === 0) return digest;
  return addOverviews(digest, await deps.overview.write(digest));
}

/** One job per digest schedule, plus the outbox retry every minute. */
export function digestJobs(runner: DigestRunner, schedules: DigestScheduleConfig[]): Job[] {
  return [
    ...schedules.map((schedule) => ({
      name: `digest:${schedule.name}`,
      schedule: schedule.cron,
      timezone: schedule.timezone,
      async run() {
        await runner.runScheduled(schedule);
      },
    })),
    { name: 'digest-outbox', schedule: '* * * * *', run: () => runner.flush() },
  ];
}

/** `daily-2026-05-03-0800.md` in the schedule's time zone; manual digests carry seconds. */
export function previewFileName(digest: Pick<Digest, 'schedule' | 'timezone'>, slotAt: number, trigger: DigestTrigger): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: digest.timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(slotAt)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const time = `${parts.hour}${parts.minute}${trigger === 'manual' ? parts.second : ''}`;
  return `${digest.schedule}-${parts.year}-${parts.month}-${parts.day}-${time}${trigger === 'manual' ? '-manual' : ''}.md`;
}
