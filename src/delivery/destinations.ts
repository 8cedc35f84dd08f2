import type { DestinationConfig, DigestScheduleConfig } from '../config/config-schema.js';
import { PREVIEW, configuredDestination, describeDestination, type Destination } from '../config/destination.js';
import type { Logger } from '../core/logger.js';
import type { Deliverer } from './deliverer.js';

export interface Destinations {
  /** Where a schedule's digest goes now: its configured destination, or preview when this process cannot post there. */
  forSchedule(schedule: DigestScheduleConfig): Destination;
  /** The destination an outbox row names, or undefined when the configuration no longer has it. */
  byKey(key: string): Destination | undefined;
}

/**
 * Resolves the schedules' destinations against what the deliverer can reach. A channel without a
 * bot falls back to preview, said once per schedule rather than at every tick.
 */
export function createDestinations(options: {
  schedules: DigestScheduleConfig[];
  /** Other configured destinations the outbox may name (the alerts' webhooks). */
  others?: readonly (DestinationConfig | undefined)[] | undefined;
  deliverer: Pick<Deliverer, 'canDeliver'>;
  /** DISCORD_API_BASE, when set: webhooks go through it too. */
  webhookApiBase?: string | undefined;
  logger: Logger;
}): Destinations {
  const warned = new Set<string>();
  return {
    forSchedule(schedule) {
      const destination = configuredDestination(schedule.destination, options.webhookApiBase);
      if (options.deliverer.canDeliver(destination)) return destination;
      if (!warned.has(schedule.name)) {
        warned.add(schedule.name);
        options.logger.warn(
          { schedule: schedule.name, destination: describeDestination(destination) },
          `digest-job: ${schedule.name} posts to ${describeDestination(destination)}, which needs DISCORD_TOKEN; previewing it instead`,
        );
      }
      return PREVIEW;
    },
    byKey(key) {
      if (key === PREVIEW.key) return PREVIEW;
      if (key.startsWith('channel:')) return { kind: 'channel', key, channelId: key.slice('channel:'.length) };
      for (const config of [...options.schedules.map((schedule) => schedule.destination), ...(options.others ?? [])]) {
        const destination = configuredDestination(config, options.webhookApiBase);
        if (destination.key === key) return destination;
      }
      return undefined;
    },
  };
}
