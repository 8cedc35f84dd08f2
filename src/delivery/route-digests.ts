import type { DigestScheduleConfig } from '../config/config-schema.js';
import type { Destination } from '../config/destination.js';
import type { Logger } from '../core/logger.js';
import type { ThemeId } from '../core/themes.js';
import type { DigestSlot, DigestTrigger } from '../core/outbox.js';
import type { ThemeRoute } from '../core/theme-route.js';
import type { Digest } from '../digest/digest-types.js';
import type { SlotOutcome } from './build-slot-once.js';
import type { Deliverer } from './deliverer.js';
import { digestReport, type DigestReport } from './digest-report.js';
import type { OutboxSender } from './outbox-sender.js';
import type { OutboxRepository } from './ports.js';
import type { Enqueued, OutboxTarget } from './write-to-outbox.js';

/**
 * Theme routes (/subscribe): per channel, the themes routed to it that this schedule covers. Only
 * where the bot can post, and never the schedule's own channel (`ownKey`), which gets every section anyway.
 */
export function routedChannels(
  routes: readonly ThemeRoute[],
  schedule: Pick<DigestScheduleConfig, 'themes'>,
  ownKey: string,
  deliverer: Pick<Deliverer, 'canDeliver'>,
): Map<string, Set<ThemeId>> {
  const channels = new Map<string, Set<ThemeId>>();
  for (const route of routes) {
    const key = `channel:${route.channelId}`;
    if (key === ownKey || !schedule.themes.includes(route.theme)) continue;
    if (!deliverer.canDeliver({ kind: 'channel', key, channelId: route.channelId })) continue;
    const themes = channels.get(route.channelId) ?? new Set<ThemeId>();
    themes.add(route.theme);
    channels.set(route.channelId, themes);
  }
  return channels;
}

export interface RouteDigestsDeps {
  outbox: Pick<OutboxRepository, 'get' | 'parts'>;
  sender: OutboxSender;
  /** Builds the slot's digest for a destination once across workers (build-slot-once.ts). */
  buildOnce: (slot: DigestSlot, buildAndEnqueue: () => Promise<Enqueued>) => Promise<SlotOutcome>;
  enqueue: (built: Digest, target: OutboxTarget) => Promise<Enqueued>;
  build: (schedule: DigestScheduleConfig, window: { from: number; to: number }, target: { destination: string; themes: ReadonlySet<ThemeId> }) => Promise<Digest>;
  logger: Logger;
}

/**
 * Sends the routed sections of a schedule's slot: one digest per subscribed channel holding only
 * the sections of its themes, through the same outbox (one row per schedule, slot and channel), so
 * retries, restarts and exactly-once delivery work as for the schedule's own destination. Each
 * channel's digest is built for it, so it leaves out the stories that channel already received.
 */
export async function sendRoutedDigests(
  deps: RouteDigestsDeps,
  schedule: DigestScheduleConfig,
  channels: Map<string, Set<ThemeId>>,
  slot: { slotAt: number; window: { from: number; to: number }; trigger: DigestTrigger },
): Promise<DigestReport[]> {
  const reports: DigestReport[] = [];
  for (const [channelId, themes] of channels) {
    if (deps.sender.stopping) break;
    const destination: Destination = { kind: 'channel', key: `channel:${channelId}`, channelId };
    const outcome = await deps.buildOnce({ schedule: schedule.name, slotAt: slot.slotAt, destination: destination.key }, async () => {
      const routed = await deps.build(schedule, slot.window, { destination: destination.key, themes });
      return deps.enqueue(routed, { slotAt: slot.slotAt, trigger: slot.trigger, destination, window: slot.window });
    });
    const row = outcome.kind === 'built' ? outcome.enqueued.digest : outcome.digest;
    const created = outcome.kind === 'built' && outcome.enqueued.created;
    await deps.sender.flush(row.id);
    const report = await digestReport(deps.outbox, row.id, created);
    deps.logger.info(
      { schedule: schedule.name, destination: report.destination, themes: [...themes], status: report.status, stories: report.stories },
      `digest-job: ${schedule.name} routed sections ${report.status}: ${report.sentParts}/${report.parts} parts to ${report.destination}`,
    );
    reports.push(report);
  }
  return reports;
}
