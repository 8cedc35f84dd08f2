import type { LensReader } from '../classify/lens-reader.js';
import type { DestinationConfig, DigestScheduleConfig } from '../config/config-schema.js';
import { describeDestination } from '../config/destination.js';
import type { Logger } from '../core/logger.js';
import type { DigestSlot, DigestTrigger } from '../core/outbox.js';
import { newWorkerId } from '../core/worker-id.js';
import type { ThemeId } from '../core/themes.js';
import type { OverviewWriter } from '../digest/digest-overview.js';
import type { BarometerSources } from '../digest/load-barometer-items.js';
import { latestSlot } from '../digest/schedule-slots.js';
import type { Metrics } from '../ops/metrics.js';
import type { Deliverer } from './deliverer.js';
import type { AlertRecordRepository } from './alert-ports.js';
import type { DeliveryStore } from './ports.js';
import { buildSlotOnce } from './build-slot-once.js';
import { digestReport, type DigestReport } from './digest-report.js';
import { createDestinations } from './destinations.js';
import { DEFAULT_RETRY, createOutboxSender, type RetryPolicy } from './outbox-sender.js';
import { routedChannels, sendRoutedDigests } from './route-digests.js';
import { buildScheduledDigest } from './scheduled-digest.js';
import { createOutboxWriter, type Enqueued, type OutboxTarget } from './write-to-outbox.js';

export type { DigestReport } from './digest-report.js';

export interface RunOptions {
  trigger: DigestTrigger;
  /** The slot the digest belongs to; its window ends there. Default: now. */
  slotAt?: number;
  /** Overrides the schedule's window (`--since`). */
  windowMs?: number;
}

/** What the cron jobs, the CLI and the /digest command ask of the digest side. */
export interface DigestRunner {
  /** Builds, writes to the outbox, then sends one digest. The same slot twice builds once. */
  run(schedule: DigestScheduleConfig, options: RunOptions): Promise<DigestReport>;
  /** A cron tick: the digest of the slot that just came. */
  runScheduled(schedule: DigestScheduleConfig): Promise<DigestReport>;
  /** At start-up: what a crash left unsent, then the digests missed while Sancocho was down. */
  catchUp(): Promise<DigestReport[]>;
  /** Sends the unsent parts: of one digest, or of every pending digest (oldest first). */
  flush(digestId?: number): Promise<void>;
  pendingDigests(): Promise<number[]>;
  /**
   * Sends nothing more and waits for the send in flight; once `signal` is aborted that send gives
   * up and its part stays in flight, looked up at the next start.
   */
  stop(): Promise<void>;
}

export interface DigestRunnerDeps {
  /** With `alerts`, a story a destination got as an alert shows there as a one-line marker. */
  store: DeliveryStore & BarometerSources & { alerts?: Pick<AlertRecordRepository, 'alertedItems'> | undefined };
  logger: Logger;
  schedules: DigestScheduleConfig[];
  /** The alert destinations' webhooks the outbox may name too. */
  alertDestinations?: readonly (DestinationConfig | undefined)[] | undefined;
  deliverer: Deliverer;
  overview?: OverviewWriter | undefined;
  /** DISCORD_API_BASE, when set: webhooks go through it too. */
  webhookApiBase?: string | undefined;
  now?: () => number;
  retry?: Partial<RetryPolicy>;
  metrics?: Pick<Metrics, 'digestPartSent' | 'digestPartFailed'> | undefined;
  /** Aborted when Sancocho stops and stops waiting: a send in flight gives up (`interrupted`). */
  signal?: AbortSignal | undefined;
  /** This process's name on slot claims and part leases. Default: host, pid and a random tail. */
  workerId?: string;
  /** How long a claim or a lease lasts unless its holder renews it (it does, every third of it). Default: 30 s. */
  leaseMs?: number;
  /** How often a digester waiting for another's build looks whether it is done. Default: 1 s. */
  claimWaitMs?: number;
  /** Reads the briefings' barometer; config/lens.yaml's when absent, loaded at the first briefing. */
  lens?: LensReader | undefined;
}

/**
 * Digests on their schedules, through the outbox: build → write the digest and all its parts →
 * send the parts in order (the outbox sender), then the theme routes' sections. A `briefing`
 * schedule builds the weekly briefing instead, its chart written with its first part. Also the start-up
 * catch-up: a digest missed while Sancocho was down goes out once, if still inside its window.
 */
export function createDigestRunner(deps: DigestRunnerDeps): DigestRunner {
  const log = deps.logger.child({ module: 'digest-job' });
  const now = deps.now ?? Date.now;
  const { outbox } = deps.store;
  const lease = { owner: deps.workerId ?? newWorkerId(), ms: deps.leaseMs ?? 30_000 };
  const destinations = createDestinations({ schedules: deps.schedules, others: deps.alertDestinations, deliverer: deps.deliverer, webhookApiBase: deps.webhookApiBase, logger: log });
  const sender = createOutboxSender({
    outbox,
    destinations,
    deliverer: deps.deliverer,
    logger: log,
    now,
    retry: { ...DEFAULT_RETRY, ...deps.retry },
    metrics: deps.metrics,
    signal: deps.signal,
    lease,
  });
  const enqueue = createOutboxWriter(deps.store, now);
  const buildOnce = (slot: DigestSlot, buildAndEnqueue: () => Promise<Enqueued>) =>
    buildSlotOnce(
      { outbox, lease, now, logger: log, waitMs: deps.claimWaitMs ?? 1_000, signal: deps.signal, stopping: () => sender.stopping },
      slot,
      buildAndEnqueue,
    );
  let lens = deps.lens;

  /** Builds and writes a briefing. Its modules (ECharts, resvg, the lens) load at the first briefing, so digests start as fast as before. */
  async function enqueueBriefing(schedule: DigestScheduleConfig, target: OutboxTarget): Promise<Enqueued> {
    const [{ buildScheduledBriefing }, { createBriefingWriter }, { loadLens }, { createLensReader }] = await Promise.all([
      import('./scheduled-briefing.js'),
      import('./write-briefing.js'),
      import('../classify/lens-config.js'),
      import('../classify/lens-reader.js'),
    ]);
    lens ??= createLensReader(loadLens());
    return createBriefingWriter(deps.store, now)(await buildScheduledBriefing({ ...deps, lens }, schedule, target.window), target);
  }
  const build = (schedule: DigestScheduleConfig, window: { from: number; to: number }, target: { destination: string; themes?: ReadonlySet<ThemeId> }) =>
    buildScheduledDigest(deps, schedule, window, target);

  async function withRoutes(main: DigestReport, schedule: DigestScheduleConfig, slotAt: number, window: { from: number; to: number }, trigger: DigestTrigger): Promise<DigestReport> {
    // Theme routes (/subscribe) take digest sections; the briefing is one whole, for its own destination.
    if (schedule.kind === 'briefing') return main;
    const channels = routedChannels(await deps.store.routes.all(), schedule, destinations.forSchedule(schedule).key, deps.deliverer);
    const routed = await sendRoutedDigests({ outbox, sender, buildOnce, enqueue, build, logger: log }, schedule, channels, { slotAt, window, trigger });
    return routed.length === 0 ? main : { ...main, routed };
  }

  async function run(schedule: DigestScheduleConfig, options: RunOptions): Promise<DigestReport> {
    const slotAt = options.slotAt ?? now();
    const destination = destinations.forSchedule(schedule);
    const window = { from: slotAt - (options.windowMs ?? schedule.window), to: slotAt };
    const target = { slotAt, trigger: options.trigger, destination, window };
    const outcome = await buildOnce({ schedule: schedule.name, slotAt, destination: destination.key }, async () =>
      schedule.kind === 'briefing'
        ? enqueueBriefing(schedule, target)
        : enqueue(await build(schedule, window, { destination: destination.key }), target),
    );
    if (outcome.kind === 'existing') {
      await sender.flush(outcome.digest.id);
      return withRoutes(await digestReport(outbox, outcome.digest.id, false), schedule, slotAt, window, options.trigger);
    }
    // A preview always shows the digest (even "no news"); Discord gets nothing for an empty one, and
    // no destination gets anything when all the window's stories went there before.
    const { created, digest: row, alreadyReceived } = outcome.enqueued;
    if (row.status === 'empty') {
      log.info(
        { schedule: schedule.name, trigger: options.trigger, alreadyReceived },
        alreadyReceived > 0
          ? `digest-job: ${schedule.name} has nothing new for ${describeDestination(destination)}; all ${alreadyReceived} of its stories were sent there before; nothing sent`
          : `digest-job: ${schedule.name} has no stories in its window; nothing sent`,
      );
    }
    await sender.flush(row.id);
    const final = { ...(await digestReport(outbox, row.id, created)), alreadyReceived };
    log.info(
      { schedule: schedule.name, trigger: options.trigger, destination: final.destination, status: final.status, stories: final.stories, parts: final.parts, sent: final.sentParts },
      `digest-job: ${schedule.name} ${final.status}: ${final.sentParts}/${final.parts} parts to ${final.destination}`,
    );
    return withRoutes(final, schedule, slotAt, window, options.trigger);
  }

  return {
    run,
    async runScheduled(schedule) {
      const at = now();
      await outbox.firstSeen(schedule.name, at);
      const slot = latestSlot(schedule.cron, schedule.timezone, at, Math.max(schedule.window, 10 * 60_000)) ?? Math.floor(at / 60_000) * 60_000;
      return run(schedule, { trigger: 'schedule', slotAt: slot });
    },
    /** Per schedule, the latest slot's digest if it was missed, its window has not passed, and the schedule existed when the slot came. */
    async catchUp() {
      await sender.flush();
      const reports: DigestReport[] = [];
      for (const schedule of deps.schedules) {
        if (sender.stopping) break;
        const at = now();
        const firstSeen = await outbox.firstSeen(schedule.name, at);
        const slot = latestSlot(schedule.cron, schedule.timezone, at, schedule.window);
        if (slot === null || slot < firstSeen) continue;
        if (await outbox.find(schedule.name, slot, destinations.forSchedule(schedule).key)) continue;
        log.info({ schedule: schedule.name, slot: new Date(slot).toISOString() }, `digest-job: ${schedule.name} was missed at ${new Date(slot).toISOString()}; sending it now`);
        reports.push(await run(schedule, { trigger: 'catch-up', slotAt: slot }));
      }
      return reports;
    },
    flush: (digestId) => sender.flush(digestId),
    pendingDigests: () => outbox.pendingDigestIds(),
    stop: () => sender.stop(),
  };
}
