import { randomBytes } from 'node:crypto';
import { openStore, type OpenStore } from '../store/open-store.js';

/** A schema the bench made for itself on a PostgreSQL server, and the URL that works inside it. */
export interface BenchSchema {
  /** The server's URL with this schema as its search_path: every connection made from it works there alone. */
  url: string;
  /** Drops this schema and everything in it; no other schema is touched. */
  drop(): Promise<void>;
}

/**
 * A new, empty schema of its own on the server at `url`, named `sancocho_bench_<pid>_<random>`, so
 * the bench never reads or writes the schemas people use. `pg` is loaded only here, as the store loads it.
 */
export async function createBenchSchema(url: string): Promise<BenchSchema> {
  const name = `sancocho_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const { default: pg } = await import('pg');
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE SCHEMA ${name}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${name}`);
  return { url: scoped.toString(), drop: () => admin(`DROP SCHEMA IF EXISTS ${name} CASCADE`) };
}

/** Opens a migrated store in a fresh bench schema; closing it drops the schema. */
export async function openBenchPostgresStore(url: string): Promise<OpenStore> {
  const schema = await createBenchSchema(url);
  try {
    const opened = await openStore(schema.url);
    return {
      ...opened,
      async close() {
        await opened.close();
        await schema.drop();
      },
    };
  } catch (error) {
    await schema.drop();
    throw error;
  }
}
