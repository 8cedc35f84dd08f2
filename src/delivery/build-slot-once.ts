import { setTimeout as sleep } from 'node:timers/promises';
import { StoppingError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { DigestSlot, OutboxDigest } from '../core/outbox.js';
import { holdLease } from './hold-lease.js';
import type { OutboxRepository } from './ports.js';
import type { Enqueued } from './write-to-outbox.js';

export interface SlotBuilderDeps {
  outbox: Pick<OutboxRepository, 'find' | 'claimSlot' | 'renewSlotClaim' | 'releaseSlotClaim'>;
  /** This worker's name on the claims, and how long a claim lasts unless renewed. */
  lease: { owner: string; ms: number };
  now: () => number;
  logger: Logger;
  /** How long to wait between looks while another worker builds the slot. */
  waitMs: number;
  /** Aborted when Sancocho stops: waiting for another worker's build gives up. */
  signal?: AbortSignal | undefined;
  /** True once Sancocho is stopping: waiting gives up. */
  stopping?: () => boolean;
}

export type SlotOutcome = { kind: 'built'; enqueued: Enqueued } | { kind: 'existing'; digest: OutboxDigest };

/**
 * The slot's digest for a destination, built by one worker only: every digester's cron fires, the
 * one that claims the slot builds it (which may call the LLM) and writes it to the outbox, the
 * others wait for it to be there. A claim whose builder died expires and is taken over.
 * Throws StoppingError when Sancocho stops while waiting.
 */
export async function buildSlotOnce(deps: SlotBuilderDeps, slot: DigestSlot, buildAndEnqueue: () => Promise<Enqueued>): Promise<SlotOutcome> {
  const { outbox, logger: log } = deps;
  let waiting = false;
  for (;;) {
    const existing = await outbox.find(slot.schedule, slot.slotAt, slot.destination);
    if (existing) return { kind: 'existing', digest: existing };
    const claim = await outbox.claimSlot(slot, { ...deps.lease, now: deps.now() });
    if (claim.kind === 'claimed') {
      try {
        // Written by a builder that released its claim between our look and our claim.
        const done = await outbox.find(slot.schedule, slot.slotAt, slot.destination);
        if (done) return { kind: 'existing', digest: done };
        const hold = {
          renew: () => outbox.renewSlotClaim(slot, { ...deps.lease, now: deps.now() }),
          everyMs: Math.max(1, Math.floor(deps.lease.ms / 3)),
          what: `${slot.schedule}'s digest for ${slot.destination} at ${new Date(slot.slotAt).toISOString()}`,
          logger: log,
        };
        return { kind: 'built', enqueued: await holdLease(hold, buildAndEnqueue) };
      } finally {
        await outbox.releaseSlotClaim(slot, deps.lease.owner);
      }
    }
    if (!waiting) {
      waiting = true;
      log.info(
        { schedule: slot.schedule, destination: slot.destination, owner: claim.owner },
        `digest-job: ${slot.schedule}'s digest for ${slot.destination} is being built by ${claim.owner}; waiting for it`,
      );
    }
    const gaveUp = `stopped while waiting for ${claim.owner} to build ${slot.schedule}'s digest`;
    if (deps.stopping?.()) throw new StoppingError(gaveUp);
    try {
      await sleep(deps.waitMs, undefined, { signal: deps.signal });
    } catch (error) {
      throw new StoppingError(gaveUp, { cause: error });
    }
  }
}
