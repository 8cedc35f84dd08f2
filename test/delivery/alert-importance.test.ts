import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { alertDestinationSchema } from '../../src/config/config-schema.js';
import type { ItemLensReading } from '../../src/core/lens.js';
import { createLogger } from '../../src/core/logger.js';
import { createAlertRunner } from '../../src/delivery/alert-runner.js';
import { openDatabase } from '../../src/store/open-database.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { seedItems } from '../digest/seed-store.js';

/**
 * The LLM's importance reaches alerting from where the classification stored it: the lens reading.
 * One outlet is no velocity and no rule names these words, so only importance can make them alert.
 */

const NOW = Date.UTC(2026, 10, 30, 12);
const MIN = 60_000;

function reading(importance: ItemLensReading['importance']): ItemLensReading {
  return { direction: 'none', obstacles: [], actors: ['VE'], evidence: [], source: 'llm', quote: null, importance };
}

describe('alerts by the LLM importance stored with the lens reading', () => {
  it('alerts the story scored at or above the threshold, naming its fact, and not the one below', async () => {
    const db = openDatabase(':memory:');
    const store = createSqliteStore(db);
    await seedItems(store, [
      {
        title: 'El Comando Sur confirma un ataque contra una embarcación frente a Venezuela',
        outlet: 'Hemisphere Wire',
        themes: { 'us-venezuela': 0.9 },
        publishedAt: NOW - 20 * MIN,
        lens: reading({ score: 0.92, fact: 'El Comando Sur confirma un ataque contra una embarcación' }),
      },
      {
        title: 'Caracas recibe a una delegación comercial de Trinidad y Tobago',
        outlet: 'El Caribe Hoy',
        themes: { 'us-venezuela': 0.6 },
        publishedAt: NOW - 15 * MIN,
        lens: reading({ score: 0.3, fact: 'Caracas recibe a una delegación comercial' }),
      },
    ]);
    const runner = createAlertRunner({
      store,
      logger: createLogger({ level: 'silent', pretty: false, destination: new PassThrough() }),
      alerts: [alertDestinationSchema.parse({ name: 'caribe', themes: ['us-venezuela'], importance: 0.8 })],
      deliverer: { canDeliver: () => true },
      flush: async () => undefined,
      now: () => NOW,
    });

    const report = await runner.run();

    expect(report.posted).toBe(1);
    const [record] = await store.alerts.forDestination('caribe', 0);
    expect(record?.reasons).toEqual([{ kind: 'importance', score: 0.92, threshold: 0.8, fact: 'El Comando Sur confirma un ataque contra una embarcación' }]);
    db.close();
  });
});
