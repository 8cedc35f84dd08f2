import { partNonce, type DigestSlot, type Lease, type NewDigest, type OutboxDigest, type OutboxFile, type OutboxPart, type SlotClaim } from '../../core/outbox.js';
import type { PgSession } from './pg-session.js';

/**
 * The digest outbox (see sqlite/outbox-store.ts and core/outbox.ts): a digest and all its parts are
 * written in one transaction before anything is sent; one digest per (schedule, slot, destination).
 */

const DIGEST_COLUMNS = `d.id, d.schedule, d.slot_at AS "slotAt", d.trigger, d.destination, d.window_from AS "windowFrom",
  d.window_to AS "windowTo", d.stories, d.markdown, d.status, d.error, d.created_at AS "createdAt", d.completed_at AS "completedAt",
  (SELECT COUNT(*) FROM digest_parts p WHERE p.digest_id = d.id) AS parts,
  (SELECT COUNT(*) FROM digest_parts p WHERE p.digest_id = d.id AND p.status = 'sent') AS "sentParts"`;

const PART_COLUMNS = `digest_id AS "digestId", part, payload, nonce, status, message_id AS "messageId", attempts,
  next_attempt_at AS "nextAttemptAt", last_error AS "lastError", sent_at AS "sentAt", attempted_at AS "attemptedAt",
  edit_of AS "editOf",
  file_name AS "fileName"`;

export function createPgOutboxStore(db: PgSession) {
  const byId = async (session: PgSession, id: number) =>
    (await session.query<OutboxDigest>(`SELECT ${DIGEST_COLUMNS} FROM digests d WHERE id = $1`, [id]))[0];
  const bySlot = async (session: PgSession, schedule: string, slotAt: number, destination: string) =>
    (
      await session.query<OutboxDigest>(`SELECT ${DIGEST_COLUMNS} FROM digests d WHERE schedule = $1 AND slot_at = $2 AND destination = $3`, [
        schedule,
        slotAt,
        destination,
      ])
    )[0];

  return {
    async firstSeen(schedule: string, now: number): Promise<number> {
      // The no-op update makes RETURNING give the stored row when it exists already.
      const [row] = await db.query<{ at: number }>(
        `INSERT INTO digest_schedules (name, first_seen_at) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET first_seen_at = digest_schedules.first_seen_at RETURNING first_seen_at AS at`,
        [schedule, now],
      );
      return (row as { at: number }).at;
    },
    find: (schedule: string, slotAt: number, destination: string) => bySlot(db, schedule, slotAt, destination),
    get: (id: number) => byId(db, id),
    recent: (limit = 20) => db.query<OutboxDigest>(`SELECT ${DIGEST_COLUMNS} FROM digests d ORDER BY id DESC LIMIT $1`, [limit]),
    newestPerDestination: () =>
      db.query<OutboxDigest>(
        `SELECT ${DIGEST_COLUMNS} FROM digests d WHERE d.id IN (SELECT MAX(id) FROM digests GROUP BY schedule, destination) ORDER BY d.id DESC`,
      ),
    lastSentAt: () =>
      db.query<{ destination: string; at: number }>(
        `SELECT d.destination, MAX(p.sent_at) AS at FROM digest_parts p JOIN digests d ON d.id = p.digest_id
         WHERE p.status = 'sent' GROUP BY d.destination`,
      ),
    parts: (digestId: number) => db.query<OutboxPart>(`SELECT ${PART_COLUMNS} FROM digest_parts WHERE digest_id = $1 ORDER BY part`, [digestId]),
    latestEdit: async (postDigestId: number) =>
      (await db.query<{ payload: string }>(`SELECT payload FROM digest_parts WHERE edit_of = $1 AND status <> 'failed' ORDER BY digest_id DESC LIMIT 1`, [postDigestId]))[0]?.payload,
    /** The file the part carries, or undefined when it carries none. */
    async partFile(digestId: number, part: number): Promise<OutboxFile | undefined> {
      const [row] = await db.query<{ name: string | null; contentType: string | null; bytes: Buffer | null }>(
        `SELECT file_name AS name, file_type AS "contentType", file_bytes AS bytes FROM digest_parts WHERE digest_id = $1 AND part = $2`,
        [digestId, part],
      );
      return row?.name && row.bytes ? { name: row.name, contentType: row.contentType ?? 'application/octet-stream', bytes: row.bytes } : undefined;
    },
    pendingDigestIds: async () =>
      (await db.query<{ id: number }>(`SELECT id FROM digests WHERE status = 'pending' ORDER BY id`)).map((row) => row.id),

    enqueue: (input: NewDigest): Promise<{ created: boolean; digest: OutboxDigest }> =>
      db.atomic(async (tx) => {
        const empty = input.payloads.length === 0;
        const [inserted] = await tx.query<{ id: number }>(
          `INSERT INTO digests (schedule, slot_at, trigger, destination, window_from, window_to, stories, markdown, status, created_at, completed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (schedule, slot_at, destination) DO NOTHING RETURNING id`,
          [
            input.schedule,
            input.slotAt,
            input.trigger,
            input.destination,
            input.windowFrom,
            input.windowTo,
            input.stories,
            input.markdown,
            empty ? 'empty' : 'pending',
            input.now,
            empty ? input.now : null,
          ],
        );
        if (!inserted) {
          return { created: false, digest: (await bySlot(tx, input.schedule, input.slotAt, input.destination)) as OutboxDigest };
        }
        if (!empty) {
          const parts = input.payloads.map((_, index) => index + 1);
          await tx.execute(`INSERT INTO digest_parts (digest_id, part, payload, nonce) SELECT $1::bigint, * FROM unnest($2::int[], $3::text[], $4::text[])`, [
            inserted.id,
            parts,
            input.payloads,
            parts.map((part) => partNonce({ ...input, createdAt: input.now }, part)),
          ]);
          if (input.editOf !== undefined) await tx.execute(`UPDATE digest_parts SET edit_of = $2 WHERE digest_id = $1`, [inserted.id, input.editOf]);
          for (const [part, file] of input.files ?? []) {
            await tx.execute(`UPDATE digest_parts SET file_name = $3, file_type = $4, file_bytes = $5 WHERE digest_id = $1 AND part = $2`, [
              inserted.id,
              part,
              file.name,
              file.contentType,
              file.bytes,
            ]);
          }
        }
        return { created: true, digest: (await byId(tx, inserted.id)) as OutboxDigest };
      }),

    markSent: (digestId: number, part: number, messageId: string, now: number): Promise<void> =>
      db.atomic(async (tx) => {
        await tx.execute(
          `UPDATE digest_parts SET status = 'sent', message_id = $3, sent_at = $4, attempts = attempts + 1, last_error = NULL
           WHERE digest_id = $1 AND part = $2 AND status = 'pending'`,
          [digestId, part, messageId, now],
        );
        await tx.execute(
          `UPDATE digests SET status = 'sent', completed_at = $2
           WHERE id = $1 AND status = 'pending' AND NOT EXISTS (SELECT 1 FROM digest_parts WHERE digest_id = $1 AND status <> 'sent')`,
          [digestId, now],
        );
      }),
    async markAttempt(digestId: number, part: number, now: number): Promise<void> {
      await db.execute(`UPDATE digest_parts SET attempted_at = $3 WHERE digest_id = $1 AND part = $2 AND status = 'pending'`, [digestId, part, now]);
    },
    async markRetry(digestId: number, part: number, error: string, nextAttemptAt: number): Promise<void> {
      await db.execute(
        `UPDATE digest_parts SET attempts = attempts + 1, next_attempt_at = $4, last_error = $3
         WHERE digest_id = $1 AND part = $2 AND status = 'pending'`,
        [digestId, part, error, nextAttemptAt],
      );
    },
    markFailed: (digestId: number, error: string, now: number): Promise<void> =>
      db.atomic(async (tx) => {
        await tx.execute(
          `UPDATE digest_parts SET status = 'failed', last_error = COALESCE(last_error, $2) WHERE digest_id = $1 AND status = 'pending'`,
          [digestId, error],
        );
        await tx.execute(`UPDATE digests SET status = 'failed', error = $2, completed_at = $3 WHERE id = $1 AND status = 'pending'`, [
          digestId,
          error,
          now,
        ]);
      }),

    async recordDestinationError(destination: string, error: string, now: number): Promise<void> {
      await db.execute(
        `INSERT INTO destination_errors (destination, error, at) VALUES ($1, $2, $3)
         ON CONFLICT (destination) DO UPDATE SET error = excluded.error, at = excluded.at`,
        [destination, error, now],
      );
    },
    async clearDestinationError(destination: string): Promise<void> {
      await db.execute(`DELETE FROM destination_errors WHERE destination = $1`, [destination]);
    },
    destinationErrors: () =>
      db.query<{ destination: string; error: string; at: number }>(
        `SELECT destination, error, at FROM destination_errors ORDER BY destination COLLATE "C"`,
      ),

    /*
     * Claims and leases are single statements, each atomic on its own: no transaction lock is
     * needed, so several workers on one schema take them at the same time and exactly one wins.
     */
    async claimSlot(slot: DigestSlot, lease: Lease): Promise<SlotClaim> {
      const [taken] = await db.query<{ owner: string }>(
        `INSERT INTO digest_claims (schedule, slot_at, destination, owner, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (schedule, slot_at, destination) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE digest_claims.owner = excluded.owner OR digest_claims.expires_at <= $6
         RETURNING owner`,
        [slot.schedule, slot.slotAt, slot.destination, lease.owner, lease.now + lease.ms, lease.now],
      );
      if (taken) return { kind: 'claimed' };
      const [holder] = await db.query<{ owner: string; expiresAt: number }>(
        `SELECT owner, expires_at AS "expiresAt" FROM digest_claims WHERE schedule = $1 AND slot_at = $2 AND destination = $3`,
        [slot.schedule, slot.slotAt, slot.destination],
      );
      // Released between the two statements: free again, though not ours; the caller asks again.
      return { kind: 'held', owner: holder?.owner ?? '', expiresAt: holder?.expiresAt ?? lease.now };
    },
    async renewSlotClaim(slot: DigestSlot, lease: Lease): Promise<boolean> {
      const changed = await db.execute(
        `UPDATE digest_claims SET expires_at = $5 WHERE schedule = $1 AND slot_at = $2 AND destination = $3 AND owner = $4`,
        [slot.schedule, slot.slotAt, slot.destination, lease.owner, lease.now + lease.ms],
      );
      return changed > 0;
    },
    async releaseSlotClaim(slot: DigestSlot, owner: string): Promise<void> {
      await db.execute(`DELETE FROM digest_claims WHERE schedule = $1 AND slot_at = $2 AND destination = $3 AND owner = $4`, [
        slot.schedule,
        slot.slotAt,
        slot.destination,
        owner,
      ]);
    },
    // SKIP LOCKED: a part another worker is leasing this instant is not waited for, just not ours.
    leasePart: async (digestId: number, part: number, lease: Lease): Promise<OutboxPart | undefined> =>
      (
        await db.query<OutboxPart>(
          `WITH free AS (
             SELECT digest_id AS free_digest, part AS free_part FROM digest_parts
             WHERE digest_id = $1 AND part = $2 AND status = 'pending'
               AND (lease_owner IS NULL OR lease_owner = $3 OR lease_expires_at <= $4)
             FOR UPDATE SKIP LOCKED)
           UPDATE digest_parts SET lease_owner = $3, lease_expires_at = $5
           FROM free WHERE digest_id = free_digest AND part = free_part
           RETURNING ${PART_COLUMNS}`,
          [digestId, part, lease.owner, lease.now, lease.now + lease.ms],
        )
      )[0],
    async renewPartLease(digestId: number, part: number, lease: Lease): Promise<boolean> {
      const changed = await db.execute(`UPDATE digest_parts SET lease_expires_at = $4 WHERE digest_id = $1 AND part = $2 AND lease_owner = $3`, [
        digestId,
        part,
        lease.owner,
        lease.now + lease.ms,
      ]);
      return changed > 0;
    },
    async releasePart(digestId: number, part: number, owner: string): Promise<void> {
      await db.execute(`UPDATE digest_parts SET lease_owner = NULL, lease_expires_at = NULL WHERE digest_id = $1 AND part = $2 AND lease_owner = $3`, [
        digestId,
        part,
        owner,
      ]);
    },

    cachedOverview: async (key: string) => (await db.query<{ text: string }>(`SELECT text FROM digest_overviews WHERE key = $1`, [key]))[0]?.text,
    async cacheOverview(key: string, text: string, now: number): Promise<void> {
      await db.execute(
        `INSERT INTO digest_overviews (key, text, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET text = excluded.text, created_at = excluded.created_at`,
        [key, text, now],
      );
    },
  };
}
