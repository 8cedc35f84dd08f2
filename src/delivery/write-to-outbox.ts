import type { Destination } from '../config/destination.js';
import type { DigestTrigger, OutboxDigest } from '../core/outbox.js';
import { digestStoryCount, type Digest } from '../digest/digest-types.js';
import { digestItemIds, withoutReceived } from '../digest/received-stories.js';
import { renderMarkdown } from '../digest/render-markdown.js';
import { outboxParts } from './outbox-parts.js';
import type { DeliveryStore } from './ports.js';

export interface OutboxTarget {
  slotAt: number;
  trigger: DigestTrigger;
  destination: Destination;
  window: { from: number; to: number };
}

export interface Enqueued {
  digest: OutboxDigest;
  /** False when the slot's digest for this destination was written before. */
  created: boolean;
  /** Stories left out because the destination already received them. */
  alreadyReceived: number;
}

/**
 * Writes a built digest for one destination to the outbox, in one transaction: its stories checked
 * once more against what the destination has (a digest built at the same time for the same
 * destination may have queued some of them since), rendered, and each part written with its items.
 */
export function createOutboxWriter(store: DeliveryStore, now: () => number): (built: Digest, target: OutboxTarget) => Promise<Enqueued> {
  return (built, target) =>
    store.withTransaction(async ({ deliveries, outbox }): Promise<Enqueued> => {
      const digest = withoutReceived(built, await deliveries.received(target.destination.key, digestItemIds(built)));
      const markdown = renderMarkdown(digest);
      const parts = outboxParts(digest, markdown, target.destination, target.slotAt, target.trigger);
      const result = await outbox.enqueue({
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
      if (result.created) await deliveries.recordParts(result.digest.id, parts.map((part) => part.items));
      return { ...result, alreadyReceived: digest.alreadyReceived ?? 0 };
    });
}
