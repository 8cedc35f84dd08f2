import type { Database } from 'better-sqlite3';
import { partNonce, type DigestSlot, type Lease, type NewDigest, type OutboxDigest, type OutboxFile, type OutboxPart, type SlotClaim } from '../../core/outbox.js';
import { writeTransaction } from '../write-transaction.js';

/**
 * The digest outbox: a digest and all its message parts are written in one transaction before
 * anything is sent; one digest per (schedule, slot, destination). See core/outbox.ts.
 */

const DIGEST_COLUMNS = `d.id, d.schedule, d.slot_at AS slotAt, d.trigger, d.destination, d.window_from AS windowFrom,
  d.window_to AS windowTo, d.stories, d.markdown, d.status, d.error, d.created_at AS createdAt, d.completed_at AS completedAt,
  (SELECT COUNT(*) FROM digest_parts p WHERE p.digest_id = d.id) AS parts,
  (SELECT COUNT(*) FROM digest_parts p WHERE p.digest_id = d.id AND p.status = 'sent') AS sentParts`;

const PART_COLUMNS = `digest_id AS digestId, part, payload, nonce, status, message_id AS messageId, attempts,
  next_attempt_at AS nextAttemptAt, last_error AS lastError, sent_at AS sentAt, attempted_at AS attemptedAt,
  edit_of AS editOf,
  file_name AS fileName`;

export function createSqliteOutboxStore(db: Database) {
  const seen = db.prepare(`INSERT INTO digest_schedules (name, first_seen_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`);
  const firstSeen = db.prepare(`SELECT first_seen_at AS at FROM digest_schedules WHERE name = ?`);
  const insertDigest = db.prepare(
    `INSERT INTO digests (schedule, slot_at, trigger, destination, window_from, window_to, stories, markdown, status, created_at, completed_at)
     VALUES (@schedule, @slotAt, @trigger, @destination, @windowFrom, @windowTo, @stories, @markdown, @status, @now, @completedAt)
     ON CONFLICT (schedule, slot_at, destination) DO NOTHING`,
  );
  const insertPart = db.prepare(`INSERT INTO digest_parts (digest_id, part, payload, nonce) VALUES (?, ?, ?, ?)`);
  const markEdit = db.prepare(`UPDATE digest_parts SET edit_of = ? WHERE digest_id = ?`);
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
  const attachFile = db.prepare(`UPDATE digest_parts SET file_name = ?, file_type = ?, file_bytes = ? WHERE digest_id = ? AND part = ?`);
  const fileOf = db.prepare(`SELECT file_name AS name, file_type AS contentType, file_bytes AS bytes FROM digest_parts WHERE digest_id = ? AND part = ?`);
  const partsOf = db.prepare(`SELECT ${PART_COLUMNS} FROM digest_parts WHERE digest_id = ? ORDER BY part`);
  const latestEdit = db.prepare(`SELECT payload FROM digest_parts WHERE edit_of = ? AND status <> 'failed' ORDER BY digest_id DESC LIMIT 1`);
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
  // An upsert that takes the claim only when it is free, this worker's, or expired.
  const claim = db.prepare(
    `INSERT INTO digest_claims (schedule, slot_at, destination, owner, expires_at)
     VALUES (@schedule, @slotAt, @destination, @owner, @expiresAt)
     ON CONFLICT (schedule, slot_at, destination) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
     WHERE digest_claims.owner = excluded.owner OR digest_claims.expires_at <= @now`,
  );
  const claimHolder = db.prepare(
    `SELECT owner, expires_at AS expiresAt FROM digest_claims WHERE schedule = @schedule AND slot_at = @slotAt AND destination = @destination`,
  );
  const renewClaim = db.prepare(
    `UPDATE digest_claims SET expires_at = @expiresAt
     WHERE schedule = @schedule AND slot_at = @slotAt AND destination = @destination AND owner = @owner`,
  );
  const releaseClaim = db.prepare(
    `DELETE FROM digest_claims WHERE schedule = @schedule AND slot_at = @slotAt AND destination = @destination AND owner = @owner`,
  );
  const leasePart = db.prepare(
    `UPDATE digest_parts SET lease_owner = @owner, lease_expires_at = @expiresAt
     WHERE digest_id = @digestId AND part = @part AND status = 'pending'
       AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at <= @now)
     RETURNING ${PART_COLUMNS}`,
  );
  const renewPart = db.prepare(
    `UPDATE digest_parts SET lease_expires_at = @expiresAt WHERE digest_id = @digestId AND part = @part AND lease_owner = @owner`,
  );
  const releasePart = db.prepare(
    `UPDATE digest_parts SET lease_owner = NULL, lease_expires_at = NULL WHERE digest_id = @digestId AND part = @part AND lease_owner = @owner`,
  );
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
      const file = input.files?.get(part);
      if (file) attachFile.run(file.name, file.contentType, file.bytes, id, part);
    });
    if (input.editOf !== undefined) markEdit.run(input.editOf, id);
    return { created: true, digest: byId.get(id) as OutboxDigest };
  });

  const markSent = writeTransaction(db, (digestId: number, part: number, messageId: string, now: number) => {
    sent.run({ digestId, part, messageId, now });
    completeIfDone.run({ digestId, now });
  });
  const markFailed = writeTransaction(db, (digestId: number, error: string, now: number) => {
    failParts.run({ digestId, error });
    failDigest.run({ digestId, error, now });
  });

  return {
    /** When the schedule was first seen by this database; recorded now if never. */
    async firstSeen(schedule: string, now: number): Promise<number> {
      seen.run(schedule, now);
      return (firstSeen.get(schedule) as { at: number }).at;
    },
    find: async (schedule: string, slotAt: number, destination: string) =>
      bySlot.get(schedule, slotAt, destination) as OutboxDigest | undefined,
    get: async (id: number) => byId.get(id) as OutboxDigest | undefined,
    recent: async (limit = 20) => recent.all(limit) as OutboxDigest[],
    /** The newest digest of each schedule to each destination, newest first. */
    newestPerDestination: async () => newestPerDestination.all() as OutboxDigest[],
    /** When each destination last accepted a part. */
    lastSentAt: async () => lastSentAt.all() as { destination: string; at: number }[],
    parts: async (digestId: number) => partsOf.all(digestId) as OutboxPart[],
    latestEdit: async (postDigestId: number) => (latestEdit.get(postDigestId) as { payload: string } | undefined)?.payload,
    /** The file the part carries, or undefined when it carries none. */
    async partFile(digestId: number, part: number): Promise<OutboxFile | undefined> {
      const row = fileOf.get(digestId, part) as { name: string | null; contentType: string | null; bytes: Buffer | null } | undefined;
      return row?.name && row.bytes ? { name: row.name, contentType: row.contentType ?? 'application/octet-stream', bytes: row.bytes } : undefined;
    },
    /** Digests with parts still to send, oldest first. */
    pendingDigestIds: async () => (pendingDigests.all() as { id: number }[]).map((row) => row.id),

    /**
     * Writes the digest and its parts in one transaction. When the (schedule, slot, destination)
     * digest exists already nothing is written and the existing one comes back (`created: false`).
     */
    enqueue: async (input: NewDigest): Promise<{ created: boolean; digest: OutboxDigest }> => enqueue(input),

    /** Discord accepted the part: record its message id; the digest is sent when all its parts are. */
    markSent: async (digestId: number, part: number, messageId: string, now: number): Promise<void> => markSent(digestId, part, messageId, now),
    /** A send of the part begins now: recorded before the request leaves, so a crash mid-send is reconcilable. */
    async markAttempt(digestId: number, part: number, now: number): Promise<void> {
      attempt.run(now, digestId, part);
    },
    async markRetry(digestId: number, part: number, error: string, nextAttemptAt: number): Promise<void> {
      retry.run({ digestId, part, error, nextAttemptAt });
    },
    /** Gives up on the digest's unsent parts (the destination refused, or retries ran out). */
    markFailed: async (digestId: number, error: string, now: number): Promise<void> => markFailed(digestId, error, now),

    async recordDestinationError(destination: string, error: string, now: number): Promise<void> {
      setDestinationError.run(destination, error, now);
    },
    async clearDestinationError(destination: string): Promise<void> {
      clearDestinationError.run(destination);
    },
    destinationErrors: async () => destinationErrors.all() as { destination: string; error: string; at: number }[],

    async claimSlot(slot: DigestSlot, lease: Lease): Promise<SlotClaim> {
      const { owner, now } = lease;
      if (claim.run({ ...slot, owner, now, expiresAt: now + lease.ms }).changes > 0) return { kind: 'claimed' };
      const holder = claimHolder.get(slot) as { owner: string; expiresAt: number };
      return { kind: 'held', ...holder };
    },
    async renewSlotClaim(slot: DigestSlot, lease: Lease): Promise<boolean> {
      return renewClaim.run({ ...slot, owner: lease.owner, expiresAt: lease.now + lease.ms }).changes > 0;
    },
    async releaseSlotClaim(slot: DigestSlot, owner: string): Promise<void> {
      releaseClaim.run({ ...slot, owner });
    },
    leasePart: async (digestId: number, part: number, lease: Lease) =>
      leasePart.get({ digestId, part, owner: lease.owner, now: lease.now, expiresAt: lease.now + lease.ms }) as OutboxPart | undefined,
    async renewPartLease(digestId: number, part: number, lease: Lease): Promise<boolean> {
      return renewPart.run({ digestId, part, owner: lease.owner, expiresAt: lease.now + lease.ms }).changes > 0;
    },
    async releasePart(digestId: number, part: number, owner: string): Promise<void> {
      releasePart.run({ digestId, part, owner });
    },

    /** The LLM overview cache, by a key of prompt version, model, language, theme and stories. */
    cachedOverview: async (key: string) => (getOverview.get(key) as { text: string } | undefined)?.text,
    async cacheOverview(key: string, text: string, now: number): Promise<void> {
      putOverview.run(key, text, now);
    },
  };
}
