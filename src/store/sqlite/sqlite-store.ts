import type { Database } from 'better-sqlite3';
import { createSqliteRouteStore } from './route-store.js';

/**
 * The embedded engine behind the stages' store ports. Each stage declares the port it needs (in its
 * own `ports.ts`); this object satisfies them structurally, so the store never imports a stage above it.
 */
export function createSqliteStore(db: Database) {
  return {
    routes: createSqliteRouteStore(db),
  };
}
