import type { Store } from '../../../src/app-context.js';
import { openDatabase } from '../../../src/store/open-database.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';

/** A fresh, migrated, empty store of one engine; `close` releases it and leaves nothing behind. */
export interface OpenedStore {
  store: Store;
  close(): Promise<void>;
}

export interface Engine {
  name: string;
  open(): Promise<OpenedStore>;
}

/**
 * The engines the contract suite runs against. Every test in test/store/contract/ runs once per
 * engine, so a second engine joins by adding an entry here.
 */
export const ENGINES: readonly Engine[] = [
  {
    name: 'sqlite',
    async open() {
      const db = openDatabase(':memory:');
      return {
        store: createSqliteStore(db),
        async close() {
          db.close();
        },
      };
    },
  },
];
