import type { AlertItem } from '../alerts/alert-types.js';
import { alertStories } from '../alerts/decide-alerts.js';
import { planAlerts, type AlertAction } from '../alerts/plan-alerts.js';
import type { AlertDestinationConfig, DigestScheduleConfig } from '../config/config-schema.js';
import { PREVIEW, configuredDestination, describeDestination, type Destination } from '../config/destination.js';
import type { Logger } from '../core/logger.js';
import { THEME_IDS } from '../core/themes.js';
import { loadDigestItemsWithSummaries } from '../digest/load-digest-items.js';
import { nextSlot } from '../digest/schedule-slots.js';
import type { UnitOfWork } from '../core/unit-of-work.js';
import type { AlertPorts, AlertStore } from './alert-ports.js';
import { alertDestinations, type PlannedDestination } from './alert-destinations.js';
import type { Deliverer, OutboxPayload } from './deliverer.js';

const HOUR = 3_600_000;
/** Records kept in view for the decision: a story is decided once, and stories older than this no longer alert anyway. */
const RECORDS_SINCE_MS = 48 * HOUR;

export interface AlertCycleReport {
  destinations: number;
  stories: number;
  posted: number;
  edited: number;
  waiting: number;
  toDigest: number;
}

export interface AlertRunner {
  /** After a poll cycle's classification: decide, write each action with its record, then send at once. */
  run(): Promise<AlertCycleReport>;
}

export interface AlertRunnerDeps {
  store: AlertStore;
  logger: Logger;
  alerts: readonly AlertDestinationConfig[];
  /** The digest schedules: an alert that cannot go before its destination's next digest is handed to it. */
  digests?: readonly Pick<DigestScheduleConfig, 'cron' | 'timezone' | 'destination'>[] | undefined;
  deliverer: Pick<Deliverer, 'canDeliver'>;
  /** The outbox sender of the digest runner: sends one outbox digest (post or edit) now. */
  flush(digestId: number): Promise<void>;
  /** DISCORD_API_BASE, when set: webhooks go through it too. */
  webhookApiBase?: string | undefined;
  now?: () => number;
}

/**
 * Priority alerts, wired: after each poll cycle the recent items are read as a digest reads them
 * (backlog never), clustered into stories, and every destination (the config file's `alerts[]` and
 * the servers' own rules) gets its planAlerts. A post or an edit goes into the outbox in the same
 * transaction as the alert's record, so it is sent exactly once as digests are (an edit PATCHes the
 * post's message, its id read when the edit is sent); a wait, an update or a hand-over to the digest
 * is recorded. The outbox is then flushed at once: an alert does not wait for the next minute's tick.
 */
export function createAlertRunner(deps: AlertRunnerDeps): AlertRunner {
  const log = deps.logger.child({ module: 'alert-runner' });
  const now = deps.now ?? Date.now;
  const warned = new Set<string>();

  function target(planned: PlannedDestination): Destination {
    const destination = configuredDestination(planned.destination, deps.webhookApiBase);
    if (deps.deliverer.canDeliver(destination)) return destination;
    if (!warned.has(planned.name)) {
      warned.add(planned.name);
      log.warn(
        { alerts: planned.name, destination: describeDestination(destination) },
        `alert-runner: ${planned.name} posts to ${describeDestination(destination)}, which needs DISCORD_TOKEN; previewing its alerts instead`,
      );
    }
    return PREVIEW;
  }

  async function recentItems(at: number, destinations: readonly PlannedDestination[]): Promise<AlertItem[]> {
    const windowMs = Math.max(...destinations.map((planned) => planned.policy.velocity.withinMs));
    const loaded = await loadDigestItemsWithSummaries(deps.store, THEME_IDS, { from: at - windowMs - HOUR, to: at + 1 });
    // The loader leaves backlog out. The LLM's importance, grounded when it was classified, is stored with the lens reading.
    const readings = await deps.store.classifications.lensReadings(loaded.map(({ item }) => item.id));
    return loaded.map(({ item, summary }) => {
      const importance = readings.get(item.id)?.importance;
      return { ...item, summary, backlog: false, ...(importance ? { importance } : {}) };
    });
  }

  /** The next digest to the same place within a day, if any. */
  function nextDigest(to: Destination, at: number): number | undefined {
    const slots = (deps.digests ?? [])
      .filter((schedule) => to.kind !== 'preview' && configuredDestination(schedule.destination, deps.webhookApiBase).key === to.key)
      .flatMap((schedule) => nextSlot(schedule.cron, schedule.timezone, at, 24 * HOUR) ?? []);
    return slots.length === 0 ? undefined : Math.min(...slots);
  }

  return {
    async run() {
      const at = now();
      const { alerts } = deps.store;
      const destinations = alertDestinations(deps.alerts, await alerts.allRules(), await alerts.mutes(), await alerts.allSettings());
      const report: AlertCycleReport = { destinations: destinations.length, stories: 0, posted: 0, edited: 0, waiting: 0, toDigest: 0 };
      if (destinations.length === 0) return report;
      const stories = alertStories(await recentItems(at, destinations));
      report.stories = stories.length;
      const toSend: number[] = [];
      // Decided by one worker at a time, each reading what the one before wrote: a story is never alerted twice.
      await alerts.decideAlone(async () => {
        for (const planned of destinations) {
          const to = target(planned);
          const alerted = await alerts.forDestination(planned.name, at - RECORDS_SINCE_MS);
          const actions = planAlerts({ destination: planned.settings, policy: planned.policy, stories, alerted, now: at, handOffAt: nextDigest(to, at) });
          for (const action of actions) {
            const digestId = await writeAlertAction(deps.store, planned.name, to, action, at);
            if (digestId !== null) toSend.push(digestId);
            if (action.kind === 'post') report.posted++;
            else if (action.kind === 'edit') report.edited++;
            else if (action.kind === 'wait') report.waiting++;
            else if (action.kind === 'to-digest') report.toDigest++;
            if (action.kind === 'post' || action.kind === 'to-digest') {
              log.info(
                { alerts: planned.name, alert: action.alertId, action: action.kind, outlets: action.record.outlets.length, destination: describeDestination(to) },
                `alert-runner: ${planned.name}: ${action.kind === 'post' ? 'alert' : 'handed to the digest'}: ${action.alertId}`,
              );
            }
          }
        }
      });
      // Posts before their edits: the outbox ids rise in the order written.
      for (const id of toSend) await deps.flush(id);
      if (report.posted + report.edited + report.waiting + report.toDigest > 0) {
        log.info({ ...report, ms: now() - at }, `alert-runner: ${report.posted} posted, ${report.edited} edited, ${report.waiting} waiting, ${report.toDigest} to the digest`);
      }
      return report;
    },
  };
}

/**
 * Writes one action of a destination: a post or an edit into the outbox together with its record, in
 * one transaction (an edit names the post whose message it replaces); anything else, its record.
 * Returns the outbox digest to send now, if any.
 */
export async function writeAlertAction(store: AlertPorts & UnitOfWork<AlertPorts>, destination: string, to: Destination, action: AlertAction, at: number): Promise<number | null> {
  if (action.kind !== 'post' && action.kind !== 'edit') {
    await store.alerts.save(destination, to.key, action.record);
    return null;
  }
  return store.withTransaction(async (tx) => {
    const editOf = action.kind === 'edit' ? await tx.alerts.postDigestId(action.alertId) : undefined;
    if (editOf === null) {
      // Never posted (a record from before the outbox knew it): the record follows, no message to edit.
      await tx.alerts.save(destination, to.key, action.record);
      return null;
    }
    const { digest } = await tx.outbox.enqueue({
      schedule: action.alertId,
      // A post is one per alert, ever (its slot is 0); each edit has its own slot, its time.
      slotAt: action.kind === 'post' ? 0 : at,
      trigger: 'manual',
      destination: to.key,
      windowFrom: action.record.decidedAt,
      windowTo: at,
      stories: 1,
      markdown: action.body.content,
      payloads: [JSON.stringify(payloadFor(to, action))],
      now: at,
      ...(editOf === undefined ? {} : { editOf }),
    });
    await tx.alerts.save(destination, to.key, action.record, action.kind === 'post' ? digest.id : undefined);
    return digest.id;
  });
}

/** A Discord message, or for a previewed destination the alert's Markdown, in one file per alert (an edit rewrites it). */
function payloadFor(to: Destination, action: Extract<AlertAction, { kind: 'post' | 'edit' }>): OutboxPayload {
  if (to.kind !== 'preview') return { type: 'discord', body: action.body };
  return { type: 'markdown', markdown: `${action.body.content}\n`, fileName: `${action.alertId.replace(/[^\w-]+/g, '-')}.md` };
}
