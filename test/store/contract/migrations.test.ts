import { describe, expect, it } from 'vitest';
import { ENGINES, PREVIOUS_VERSION_DATA } from './engines.js';

describe.each(ENGINES)('migrations ($name)', (engine) => {
  it('make an empty database a working, empty store', async () => {
    const { store, close } = await engine.open();
    try {
      expect(await store.routes.all()).toEqual([]);
      expect(await store.outbox.pendingDigestIds()).toEqual([]);
      expect(await store.outbox.newestPerDestination()).toEqual([]);
      expect(await store.outbox.destinationErrors()).toEqual([]);
      expect(await store.routes.add({ ...PREVIOUS_VERSION_DATA.route }, 'u', 0)).toBe(true);
    } finally {
      await close();
    }
  });

  it('bring the previous version up to date, keeping what it held', async () => {
    const { store, close } = await engine.openUpgraded();
    try {
      const { route, digest } = PREVIOUS_VERSION_DATA;
      expect(await store.routes.all()).toEqual([route]);
      const pending = await store.outbox.find(digest.schedule, digest.slotAt, digest.destination);
      expect(pending).toMatchObject({ status: 'pending', parts: 1, sentParts: 0 });
      expect(await store.outbox.pendingDigestIds()).toEqual([pending?.id]);
      await store.outbox.markSent(pending?.id ?? 0, 1, 'm1', 6_000);
      expect(await store.outbox.get(pending?.id ?? 0)).toMatchObject({ status: 'sent', sentParts: 1 });
      // Stored before the upgrade, found by search after it, accents ignored.
      const { hits } = await store.search.search('asuncion declaracion', {}, { offset: 0, limit: 5 }, 1_000);
      expect(hits.map((hit) => hit.title)).toEqual([PREVIOUS_VERSION_DATA.item.title]);
      // Classified before lens readings were stored: none until it is classified again.
      const itemId = hits[0]?.id ?? 0;
      expect(await store.classifications.lensReadings([itemId])).toEqual(new Map());
      await store.classifications.save([
        {
          itemId,
          contentHash: 'h',
          source: 'offline',
          model: null,
          promptVersion: null,
          themes: ['regional-integration'],
          scores: {},
          evidence: {},
          reason: null,
          classifiedAt: 7_000,
          lens: { direction: 'advancing', obstacles: [], actors: ['mercosur'], evidence: [], source: 'offline', quote: null, importance: null },
        },
      ]);
      expect((await store.classifications.lensReadings([itemId])).get(itemId)).toMatchObject({ direction: 'advancing', readAt: 7_000 });
    } finally {
      await close();
    }
  });
});
