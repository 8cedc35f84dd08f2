import { createHash } from 'node:crypto';

/**
 * The digest outbox: a digest and all its message parts are written here, in one transaction,
 * before anything is sent; each part is marked sent with Discord's message id only after Discord
 * accepted it. After a crash the unsent parts go out and the sent ones never again.
 *
 * One digest per (schedule, slot, destination): the scheduled tick, the start-up catch-up and a
 * restart all land on the same row, so the same slot is never built or sent twice.
 */

export type DigestTrigger = 'schedule' | 'catch-up' | 'manual';
export type DigestStatus = 'pending' | 'sent' | 'failed' | 'empty';
export type PartStatus = 'pending' | 'sent' | 'failed';

export interface OutboxDigest {
  id: number;
  schedule: string;
  /** The scheduled time the digest belongs to (the creation time for manual digests). */
  slotAt: number;
  trigger: DigestTrigger;
  /** `channel:<id>`, `webhook:<id>` or `preview`. */
  destination: string;
  windowFrom: number;
  windowTo: number;
  stories: number;
  markdown: string;
  status: DigestStatus;
  error: string | null;
  createdAt: number;
  completedAt: number | null;
  parts: number;
  sentParts: number;
}

export interface OutboxPart {
  digestId: number;
  part: number;
  /** JSON: what the deliverer sends (a Discord message body, or Markdown for preview). */
  payload: string;
  /** Idempotency key sent with channel messages (`enforce_nonce`), at most 25 characters. */
  nonce: string;
  status: PartStatus;
  messageId: string | null;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  sentAt: number | null;
  /** When the latest send began; set while a send is in flight or after one whose outcome is unknown. */
  attemptedAt: number | null;
  /** An alert's edit: the digest whose first part's message this part replaces (PATCH), its id read when this is sent. */
  editOf?: number | null;
  /** The name of the file the part carries (a briefing's chart), or null; its bytes come from `partFile`. */
  fileName?: string | null;
}

/** A file attached to an outbox part, stored with it so a resend after a crash uploads the same bytes. */
export interface OutboxFile {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** A digest as built, before the outbox gives it an id and a status. */
export type NewDigest = Pick<
  OutboxDigest,
  'schedule' | 'slotAt' | 'trigger' | 'destination' | 'windowFrom' | 'windowTo' | 'stories' | 'markdown'
> & {
  payloads: string[];
  now: number;
  /** An alert's edit: its one part edits the message of this digest's first part. */
  editOf?: number | undefined;
  /** Files attached to parts, by part number (1-based): a briefing's chart goes with its first part. */
  files?: ReadonlyMap<number, OutboxFile>;
};

/** A nonce unique to this digest part: Discord keeps at most 25 characters. */
export function partNonce(digest: { schedule: string; slotAt: number; destination: string; createdAt: number }, part: number): string {
  const hash = createHash('sha256').update(`${digest.schedule}\n${digest.slotAt}\n${digest.destination}\n${digest.createdAt}\n${part}`);
  return `sc${hash.digest('base64url').slice(0, 23)}`;
}

/** The key a digest is built for: one digest per (schedule, slot, destination). */
export interface DigestSlot {
  schedule: string;
  slotAt: number;
  destination: string;
}

/**
 * A claim on building a slot's digest, so several digesters build it once: `claimed` when this
 * worker holds it now (taken, renewed, or taken over after it expired), `held` when another does.
 */
export type SlotClaim = { kind: 'claimed' } | { kind: 'held'; owner: string; expiresAt: number };

/** A lease: who holds a claim or a part, and until when it lasts unless renewed. */
export interface Lease {
  owner: string;
  now: number;
  /** How long from `now` the lease lasts. */
  ms: number;
}
