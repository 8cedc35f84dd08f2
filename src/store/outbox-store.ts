import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { writeTransaction } from './write-transaction.js';

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
}

/** A digest as built, before the outbox gives it an id and a status. */
export type NewDigest = Pick<
  OutboxDigest,
  'schedule' | 'slotAt' | 'trigger' | 'destination' | 'windowFrom' | 'windowTo' | 'stories' | 'markdown'
> & { payloads: string[]; now: number };

const DIGEST_COLUMNS = `d.id, d.schedule, d.slot_at AS slotAt, d.trigger, d.destination, d.window_from AS windowFrom,
  d.window_to AS windowTo, d.stories, d.markdown, d.status, d.error, d.created_at AS createdAt, d.completed_at AS completedAt,
  (SELECT COUNT(*) FROM digest_parts p WHERE p.digest_id = d.id) AS parts,
  (SELECT COUNT(*) FROM digest_parts p WHERE p.digest_id = d.id AND p.status = 'sent') AS sentParts`;

const PART_COLUMNS = `digest_id AS digestId, part, payload, nonce, status, message_id AS messageId, attempts,
  next_attempt_at AS nextAttemptAt, last_error AS lastError, sent_at AS sentAt, attempted_at AS attemptedAt`;

/** A nonce unique to this digest part: Discord keeps at most 25 characters. */
export function partNonce(digest: { schedule: string; slotAt: number; destination: string; createdAt: number }, part: number): string {
  const hash = createHash('sha256').update(`${digest.schedule}\n${digest.slotAt}\n${digest.destination}\n${digest.createdAt}\n${part}`);
  return `sc${hash.digest('base64url').slice(0, 23)}`;
}

export function createOutboxStore(db: Database) {
  const seen = db.prepare(`INSERT INTO digest_schedules (name, first_seen_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`);
  const firstSeen = db.prepare(`SELECT first_seen_at AS at FROM digest_schedules WHERE name = ?`);
  const insertDigest = db.prepare(
    `INSERT INTO digests (schedule, slot_at, trigger, destination, window_from, window_to, stories, markdown, status, created_at, completed_at)
     VALUES (@schedule, @slotAt, @trigger, @destination, @windowFrom, @windowTo, @stories, @markdown, @status, @now, @completedAt)
     ON CONFLICT (schedule, slot_at, destination) DO NOTHING`,
  );
  const insertPart = db.prepare(`INSERT INTO digest_parts (digest_id, part, payload, nonce) VALUES (?, ?, ?, ?)`);
  const bySlot = db.prepare(`SELECT ${DIGEST_COLUMNS} FROM digests d WHERE schedule = ? AND slot_at = ? AND destination = ?`);
  const byId = db.prepare(`SELECT ${DIGEST_COLUMNS} FROM digests d WHERE id = ?`);
  const recent = db.prepare(`SELECT ${DIGEST_COLUMNS} FROM digests d ORDER BY id DESC LIMIT ?`);
  const newestPerDestination = db.prepare(
    `SELECT ${DIGEST_COLUMNS} FROM digests d WHERE d.id IN (SELECT MAX(id) FROM digests GROUP BY schedule, destination) ORDER BY d.id DESC`,
  );
  const lastSentAt = db.prepare(
    `SELECT d.destination, MAX(p.sent_at) AS at FROM digest_parts p JOIN digests d ON d.id = p.digest_id
     WHERE p.status = 'sent' GROUP BY d.destination`,
  );
  const partsOf = db.prepare(`SELECT ${PART_COLUMNS} FROM digest_parts WHERE digest_id = ? ORDER BY part`);
  const pendingDigests = db.prepare(`SELECT id FROM digests WHERE status = 'pending' ORDER BY id`);
  const sent = db.prepare(
    `UPDATE digest_parts SET status = 'sent', message_id = @messageId, sent_at = @now, attempts = attempts + 1, last_error = NULL
     WHERE digest_id = @digestId AND part = @part AND status = 'pending'`,
  );
  const attempt = db.prepare(`UPDATE digest_parts SET attempted_at = ? WHERE digest_id = ? AND part = ? AND status = 'pending'`);
  const retry = db.prepare(
    `UPDATE digest_parts SET attempts = attempts + 1, next_attempt_at = @nextAttemptAt, last_error = @error
     WHERE digest_id = @digestId AND part = @part AND status = 'pending'`,
  );
  const failParts = db.prepare(
    `UPDATE digest_parts SET status = 'failed', last_error = COALESCE(last_error, @error) WHERE digest_id = @digestId AND status = 'pending'`,
  );
  const failDigest = db.prepare(
    `UPDATE digests SET status = 'failed', error = @error, completed_at = @now WHERE id = @digestId AND status = 'pending'`,
  );
  const completeIfDone = db.prepare(
    `UPDATE digests SET status = 'sent', completed_at = @now
     WHERE id = @digestId AND status = 'pending'
       AND NOT EXISTS (SELECT 1 FROM digest_parts WHERE digest_id = @digestId AND status != 'sent')`,
  );
  const setDestinationError = db.prepare(
    `INSERT INTO destination_errors (destination, error, at) VALUES (?, ?, ?)
     ON CONFLICT (destination) DO UPDATE SET error = excluded.error, at = excluded.at`,
  );
  const clearDestinationError = db.prepare(`DELETE FROM destination_errors WHERE destination = ?`);
  const destinationErrors = db.prepare(`SELECT destination, error, at FROM destination_errors ORDER BY destination`);
  const getOverview = db.prepare(`SELECT text FROM digest_overviews WHERE key = ?`);
  const putOverview = db.prepare(`INSERT OR REPLACE INTO digest_overviews (key, text, created_at) VALUES (?, ?, ?)`);

  const enqueue = writeTransaction(db, (input: NewDigest): { created: boolean; digest: OutboxDigest } => {
    const empty = input.payloads.length === 0;
    const result = insertDigest.run({
      ...input,
      status: empty ? 'empty' : 'pending',
      completedAt: empty ? input.now : null,
    });
    if (result.changes === 0) {
      return { created: false, digest: bySlot.get(input.schedule, input.slotAt, input.destination) as OutboxDigest };
    }
    const id = Number(result.lastInsertRowid);
    input.payloads.forEach((payload, index) => {
      const part = index + 1;
      insertPart.run(id, part, payload, partNonce({ ...input, createdAt: input.now }, part));
    });
    return { created: true, digest: byId.get(id) as OutboxDigest };
  });

  return {
    /** When the schedule was first seen by this database; recorded now if never. */
    firstSeen(schedule: string, now: number): number {
      seen.run(schedule, now);
      return (firstSeen.get(schedule) as { at: number }).at;
    },
    find: (schedule: string, slotAt: number, destination: string) =>
      bySlot.get(schedule, slotAt, destination) as OutboxDigest | undefined,
    get: (id: number) => byId.get(id) as OutboxDigest | undefined,
    recent: (limit = 20) => recent.all(limit) as OutboxDigest[],
    /** The newest digest of each schedule to each destination, newest first. */
    newestPerDestination: () => newestPerDestination.all() as OutboxDigest[],
    /** When each destination last accepted a part. */
    lastSentAt: () => lastSentAt.all() as { destination: string; at: number }[],
    parts: (digestId: number) => partsOf.all(digestId) as OutboxPart[],
    /** Digests with parts still to send, oldest first. */
    pendingDigestIds: () => (pendingDigests.all() as { id: number }[]).map((row) => row.id),

    /**
     * Writes the digest and its parts in one transaction. When the (schedule, slot, destination)
     * digest exists already nothing is written and the existing one comes back (`created: false`).
     */
    enqueue: (input: NewDigest) => enqueue(input),

    /** Discord accepted the part: record its message id; the digest is sent when all its parts are. */
    markSent: writeTransaction(db, (digestId: number, part: number, messageId: string, now: number) => {
      sent.run({ digestId, part, messageId, now });
      completeIfDone.run({ digestId, now });
    }),
    /** A send of the part begins now: recorded before the request leaves, so a crash mid-send is reconcilable. */
    markAttempt(digestId: number, part: number, now: number): void {
      attempt.run(now, digestId, part);
    },
    markRetry(digestId: number, part: number, error: string, nextAttemptAt: number): void {
      retry.run({ digestId, part, error, nextAttemptAt });
    },
    /** Gives up on the digest's unsent parts (the destination refused, or retries ran out). */
    markFailed: writeTransaction(db, (digestId: number, error: string, now: number) => {
      failParts.run({ digestId, error });
      failDigest.run({ digestId, error, now });
    }),

    recordDestinationError(destination: string, error: string, now: number): void {
      setDestinationError.run(destination, error, now);
    },
    clearDestinationError(destination: string): void {
      clearDestinationError.run(destination);
    },
    destinationErrors: () => destinationErrors.all() as { destination: string; error: string; at: number }[],

    /** The LLM overview cache, by a key of prompt version, model, language, theme and stories. */
    cachedOverview: (key: string) => (getOverview.get(key) as { text: string } | undefined)?.text,
    cacheOverview(key: string, text: string, now: number): void {
      putOverview.run(key, text, now);
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
