import type { Database } from 'better-sqlite3';
import { createSqliteAlertStore } from './alert-store.js';
import { createSqliteClassificationStore } from './classification-store.js';
import { createSqliteDeliveryStore } from './delivery-store.js';
import { createSqliteFeedStore } from './feed-store.js';
import { createSqliteItemStore } from './item-store.js';
import { createSqliteLeaseStore } from './lease-store.js';
import { createSqliteOutboxStore } from './outbox-store.js';
import { createSqliteRouteStore } from './route-store.js';
import { createSqliteSearchStore } from './search-store.js';

/**
 * The embedded engine behind the stages' store ports. Each stage declares the ports it needs (in its
 * own `ports.ts`); this object satisfies them structurally, so the store never imports a stage above it.
 */
export function createSqliteStore(db: Database) {
  let queue: Promise<unknown> = Promise.resolve();
  // Transactions take turns: the connection is shared, so a second one may begin only after the first ended.
  const inTurn = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const run = queue.then(() => inTransaction(db, async () => fn()));
    queue = run.catch(() => undefined);
    return run;
  };
  const ports = {
    wakeups: inProcessWakeups(),
    routes: createSqliteRouteStore(db),
    deliveries: createSqliteDeliveryStore(db),
    outbox: createSqliteOutboxStore(db),
    classifications: createSqliteClassificationStore(db),
    feeds: createSqliteFeedStore(db),
    items: createSqliteItemStore(db),
    alerts: createSqliteAlertStore(db),
    search: createSqliteSearchStore(db),
    leases: createSqliteLeaseStore(db, inTurn),
  };
  type Ports = typeof ports & { withTransaction<T>(fn: (tx: Ports) => Promise<T>): Promise<T> };
  // One connection: inside a transaction the same ports already write into it, so a nested
  // withTransaction just runs its work there.
  const tx: Ports = { ...ports, withTransaction: (fn) => fn(tx) };
  return {
    ...ports,
    /**
     * Transactions take turns (see inTurn above). Each begins as BEGIN IMMEDIATE (see
     * write-transaction.ts) and waits busy_timeout for another process's writer.
     */
    withTransaction: <T>(fn: (tx: Ports) => Promise<T>): Promise<T> => inTurn(() => fn(tx)),
  };
}

async function inTransaction<T>(db: Database, fn: () => Promise<T>): Promise<T> {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = await fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    // SQLite may have rolled back already (e.g. on SQLITE_FULL); then there is nothing to undo.
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** One process per SQLite file: a nudge reaches the listeners of this process only. */
function inProcessWakeups() {
  const listeners = new Set<() => void>();
  return {
    notify: async (): Promise<void> => {
      for (const listener of listeners) listener();
    },
    listen: async (onWake: () => void): Promise<() => Promise<void>> => {
      listeners.add(onWake);
      return async () => {
        listeners.delete(onWake);
      };
    },
  };
}
