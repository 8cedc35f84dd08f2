import type { Pool } from 'pg';
import { createPgAlertStore } from './alert-store.js';
import { createPgClassificationStore } from './classification-store.js';
import { createPgDeliveryStore } from './delivery-store.js';
import { createPgFeedStore } from './feed-store.js';
import { createPgItemStore } from './item-store.js';
import { createPgLeaseStore } from './lease-store.js';
import { createPgOutboxStore } from './outbox-store.js';
import { createPgOutboxWakeups } from './outbox-wakeups.js';
import { poolSession, type PgSession } from './pg-session.js';
import { createPgRouteStore } from './route-store.js';
import { createPgSearchStore } from './search-store.js';

function portsOn(session: PgSession, wakeups: ReturnType<typeof createPgOutboxWakeups>) {
  return {
    wakeups,
    routes: createPgRouteStore(session),
    deliveries: createPgDeliveryStore(session),
    outbox: createPgOutboxStore(session),
    classifications: createPgClassificationStore(session),
    feeds: createPgFeedStore(session),
    items: createPgItemStore(session),
    alerts: createPgAlertStore(session),
    search: createPgSearchStore(session),
    leases: createPgLeaseStore(session),
  };
}

type Ports = ReturnType<typeof portsOn> & { withTransaction<T>(fn: (tx: Ports) => Promise<T>): Promise<T> };

/**
 * The PostgreSQL engine behind the stages' store ports, the same ports as sqlite/sqlite-store.ts.
 * Outside a transaction each statement takes any pooled connection; withTransaction holds one
 * connection and hands `fn` ports bound to it (a nested withTransaction runs inside the outer one).
 */
export function createPostgresStore(pool: Pool) {
  const wakeups = createPgOutboxWakeups(pool);
  const bound = (session: PgSession): Ports => {
    const tx: Ports = { ...portsOn(session, wakeups), withTransaction: (fn) => fn(tx) };
    return tx;
  };
  const session = poolSession(pool);
  return {
    ...portsOn(session, wakeups),
    /** Transactions run side by side, in this process and in other workers (see LOCK_SPACE in pg-session.ts). */
    withTransaction: <T>(fn: (tx: Ports) => Promise<T>): Promise<T> => session.atomic((inner) => fn(bound(inner))),
  };
}
