import type { DigestSlot, Lease, NewDigest, OutboxDigest, OutboxFile, OutboxPart, SlotClaim } from '../core/outbox.js';
import type { PartItem } from '../core/part-item.js';
import type { ThemeRoute } from '../core/theme-route.js';
import type { UnitOfWork } from '../core/unit-of-work.js';

/**
 * The theme routes, owned by delivery: the digest runner reads them all to send each theme's
 * section, /subscribe and /unsubscribe change one server's.
 */
export interface ThemeRouteRepository {
  /** True when the route is new; the same guild, theme and channel are stored once. */
  add(route: ThemeRoute, by: string, now: number): Promise<boolean>;
  /** True when a route was removed. */
  remove(route: ThemeRoute): Promise<boolean>;
  /** One server's routes, by theme then channel. */
  forGuild(guildId: string): Promise<ThemeRoute[]>;
  /** Every server's routes, by guild, theme then channel. */
  all(): Promise<ThemeRoute[]>;
}

/**
 * What each destination already has, so no digest posts a story there twice. The items of every
 * outbox part are recorded with the part and count as delivered once the part is marked sent.
 */
export interface DeliveryRepository {
  /** The items of each part of a digest, parts numbered from 1 as in the outbox. */
  recordParts(digestId: number, parts: readonly (readonly PartItem[])[]): Promise<void>;
  /** Of `itemIds`, those the destination has received or has on the way, with the title it got. */
  received(destination: string, itemIds: readonly number[]): Promise<Map<number, string>>;
}

/**
 * A nudge between workers: the one that wrote an outbox part (a poller's alert) tells whoever sends
 * the outbox to look now rather than at its next tick. A nudge may be lost; the tick still sends.
 */
export interface OutboxWakeups {
  notify(): Promise<void>;
  /** Calls `onWake` on every notify, from any worker on the store, until the returned stop is called. */
  listen(onWake: () => void): Promise<() => Promise<void>>;
}

/**
 * The digest outbox: a digest and all its parts are written before anything is sent, and each part
 * is marked sent only after the destination accepted it, so a restart sends the unsent parts and
 * never the sent ones again. One digest per (schedule, slot, destination).
 */
export interface OutboxRepository {
  /** When the schedule was first seen by this store; recorded now if never. */
  firstSeen(schedule: string, now: number): Promise<number>;
  find(schedule: string, slotAt: number, destination: string): Promise<OutboxDigest | undefined>;
  get(id: number): Promise<OutboxDigest | undefined>;
  /** The digest's parts, in order. */
  parts(digestId: number): Promise<OutboxPart[]>;
  /**
   * The payload of the newest edit queued for the message of `postDigestId`'s post and not given up
   * (each of an alert's edits carries the whole message as it should read then); undefined when none.
   */
  latestEdit(postDigestId: number): Promise<string | undefined>;
  /** The file a part carries (`OutboxPart.fileName` set), with its bytes; undefined when it carries none. */
  partFile(digestId: number, part: number): Promise<OutboxFile | undefined>;
  /** Digests with parts still to send, oldest first. */
  pendingDigestIds(): Promise<number[]>;
  /**
   * Writes the digest and its parts at once. When the (schedule, slot, destination) digest exists
   * already nothing is written and the existing one comes back (`created: false`).
   */
  enqueue(input: NewDigest): Promise<{ created: boolean; digest: OutboxDigest }>;
  /** The destination accepted the part: its message id is kept; the digest is sent when all its parts are. */
  markSent(digestId: number, part: number, messageId: string, now: number): Promise<void>;
  /** A send of the part begins now: recorded before the request leaves, so a crash mid-send is reconcilable. */
  markAttempt(digestId: number, part: number, now: number): Promise<void>;
  markRetry(digestId: number, part: number, error: string, nextAttemptAt: number): Promise<void>;
  /** Gives up on the digest's unsent parts (the destination refused, or retries ran out). */
  markFailed(digestId: number, error: string, now: number): Promise<void>;
  recordDestinationError(destination: string, error: string, now: number): Promise<void>;
  clearDestinationError(destination: string): Promise<void>;

  /*
   * Several digesters on one database: each slot's digest is built by the worker that claims it,
   * and each part sent by the worker that leases it. A crashed worker's claims and leases expire
   * and are taken over; its own claim or lease a worker may take again or renew.
   */
  /** Claims building the slot's digest, unless another worker holds an unexpired claim. */
  claimSlot(slot: DigestSlot, lease: Lease): Promise<SlotClaim>;
  /** Extends this worker's claim; false when it has lost it (expired and taken over). */
  renewSlotClaim(slot: DigestSlot, lease: Lease): Promise<boolean>;
  /** Drops this worker's claim (the digest is in the outbox, or the build failed). */
  releaseSlotClaim(slot: DigestSlot, owner: string): Promise<void>;
  /**
   * Leases a pending part for sending, unless another worker holds an unexpired lease on it; the
   * part as stored now comes back (its `attemptedAt` set when an earlier send's outcome is unknown),
   * or undefined when it is not to be had (leased elsewhere, sent, or given up).
   */
  leasePart(digestId: number, part: number, lease: Lease): Promise<OutboxPart | undefined>;
  /** Extends this worker's lease on a part; false when it has lost it. */
  renewPartLease(digestId: number, part: number, lease: Lease): Promise<boolean>;
  /** Drops this worker's lease on a part, whatever came of the send. */
  releasePart(digestId: number, part: number, owner: string): Promise<void>;
}

export interface DeliveryPorts {
  routes: Pick<ThemeRouteRepository, 'all'>;
  deliveries: DeliveryRepository;
  outbox: OutboxRepository;
}

/** The store as the digest runner uses it. */
export type DeliveryStore = DeliveryPorts & UnitOfWork<DeliveryPorts>;
