import type { Pool } from 'pg';

/**
 * Outbox wake-ups between workers (see OutboxWakeups in delivery/ports.ts) over LISTEN/NOTIFY. The
 * channel is named from the schema, so workers on another schema of the same database (tests,
 * benches) are not woken; a hash keeps it within PostgreSQL's 63-byte names.
 */
const CHANNEL = `'sancocho_outbox_' || md5(current_schema())`;

export function createPgOutboxWakeups(pool: Pool) {
  return {
    notify: async (): Promise<void> => {
      await pool.query(`SELECT pg_notify(${CHANNEL}, '')`);
    },
    /** Holds one pooled connection for as long as it listens. */
    listen: async (onWake: () => void): Promise<() => Promise<void>> => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        const [row] = (await client.query<{ channel: string }>(`SELECT ${CHANNEL} AS channel`)).rows;
        await client.query(`LISTEN ${client.escapeIdentifier(row!.channel)}`);
      } catch (error) {
        client.release(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
      client.on('notification', onWake);
      // A lost connection ends the wake-ups; the sender's own schedule still sends, only later.
      client.on('error', (error) => (broken = error));
      return async () => {
        client.off('notification', onWake);
        client.release(broken ?? true);
      };
    },
  };
}
