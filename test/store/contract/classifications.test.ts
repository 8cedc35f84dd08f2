import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../../src/core/types.js';
import { ENGINES, type OpenedStore } from './engines.js';
import { putItems } from './fixtures.js';
import { T0, item, record } from '../../support/classification-fixtures.js';

const DAY = 24 * 60 * 60 * 1000;

describe.each(ENGINES)('classifications ($name)', (engine) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => {
    await opened.close();
  });
  const put = (...items: NormalizedItem[]) => putItems(opened.store, items, T0);

  describe('labels', () => {
    it('list unclassified items oldest first, in pages after a given id', async () => {
      const { classifications } = opened.store;
      const [first] = await put(item('Cumbre del Mercosur'), item('CELAC reunida'), item('Litio en Bolivia'));
      const all = await classifications.pending({ limit: 10 });
      expect(all.map((row) => row.title)).toEqual(['Cumbre del Mercosur', 'CELAC reunida', 'Litio en Bolivia']);
      expect(all[0]).toEqual({
        id: first,
        contentHash: 'hash:Cumbre del Mercosur:',
        title: 'Cumbre del Mercosur',
        summary: '',
        language: 'es',
        publishedAt: T0,
        backlog: false,
      });
      expect((await classifications.pending({ limit: 1, afterId: first })).map((row) => row.title)).toEqual(['CELAC reunida']);
    });

    it('keep one current classification per item, which no longer lists as pending', async () => {
      const { classifications } = opened.store;
      const [id] = (await put(item('Cumbre del Mercosur'))) as [number];
      await classifications.save([record(id, 'hash:Cumbre del Mercosur:')]);
      await classifications.save([
        record(id, 'hash:Cumbre del Mercosur:', { source: 'llm', model: 'm', promptVersion: 'p1', themes: ['trade-tariffs'], scores: {} }),
      ]);
      expect(await classifications.pending({ limit: 10 })).toEqual([]);
      expect(await classifications.get(id)).toMatchObject({ source: 'llm', model: 'm', promptVersion: 'p1', themes: ['trade-tariffs'], awaitingLlm: false });
      expect(await classifications.itemsWithTheme('regional-integration', { from: 0, to: T0 + 1 })).toEqual([]);
      expect(await classifications.itemsWithTheme('trade-tariffs', { from: 0, to: T0 + 1 })).toEqual([id]);
    });

    it('list an item again when its wording changes, keeping the old labels until it is classified again', async () => {
      const { classifications } = opened.store;
      const [id] = (await put(item('Mercosur: cumbre'))) as [number];
      await classifications.save([record(id, 'hash:Mercosur: cumbre:')]);
      await put({ ...item('Mercosur: cumbre'), summary: 'Termina sin acuerdo', contentHash: 'hash:changed' });
      expect(await classifications.pending({ limit: 10 })).toMatchObject([{ id, contentHash: 'hash:changed' }]);
      expect((await classifications.get(id))?.contentHash).toBe('hash:Mercosur: cumbre:');
    });

    it('find items by theme classified within a window, newest first', async () => {
      const { classifications } = opened.store;
      const [antes, ayer, hoy, otro] = (await put(
        item('Antes', '', T0 - 2 * DAY),
        item('Ayer', '', T0 - DAY),
        item('Hoy', '', T0),
        item('Otro tema', '', T0),
      )) as [number, number, number, number];
      await classifications.save([
        record(antes, 'hash:Antes:', { themes: ['china-latam', 'trade-tariffs'], classifiedAt: T0 - 2 * DAY }),
        record(ayer, 'hash:Ayer:', { themes: ['china-latam', 'trade-tariffs'], classifiedAt: T0 - DAY }),
        record(hoy, 'hash:Hoy:', { themes: ['china-latam', 'trade-tariffs'], classifiedAt: T0 }),
        record(otro, 'hash:Otro tema:', { themes: ['us-policy'] }),
      ]);
      expect(await classifications.itemsWithTheme('china-latam', { from: T0 - DAY, to: T0 + DAY })).toEqual([hoy, ayer]);
      expect(await classifications.itemsWithTheme('china-latam', { from: T0 - 3 * DAY, to: T0 + DAY, limit: 1 })).toEqual([hoy]);
      expect(await classifications.itemsWithTheme('us-policy', { from: T0, to: T0 + 1 })).toEqual([otro]);
      expect(await classifications.itemsWithTheme('resources-autonomy', { from: 0, to: T0 + DAY })).toEqual([]);
    });

    it('put an item that arrived late in the next window rather than in none, and leave out old news', async () => {
      const { classifications } = opened.store;
      const [tarde, archivo] = (await put(item('Tarde', '', T0 - 60_000), item('Archivo', '', T0 - 5 * DAY))) as [number, number];
      // Published a minute before the T0 digest, classified a minute after it was built.
      await classifications.save([
        record(tarde, 'hash:Tarde:', { themes: ['china-latam'], classifiedAt: T0 + 60_000 }),
        record(archivo, 'hash:Archivo:', { themes: ['china-latam'], classifiedAt: T0 + 60_000 }),
      ]);
      expect(await classifications.itemsWithTheme('china-latam', { from: T0 - DAY, to: T0 })).toEqual([]);
      expect(await classifications.itemsWithTheme('china-latam', { from: T0, to: T0 + DAY })).toEqual([tarde]);
    });
  });

  describe('items awaiting the LLM', () => {
    it('are listed oldest first with when they were classified, in pages, while their wording is unchanged', async () => {
      const { classifications } = opened.store;
      const [a, b, c, d] = (await put(item('A'), item('B'), item('C'), item('D'))) as [number, number, number, number];
      await classifications.save([
        record(c, 'hash:C:', { awaitingLlm: true, classifiedAt: T0 + 1 }),
        record(a, 'hash:A:', { awaitingLlm: true, classifiedAt: T0 + 2 }),
        record(b, 'hash:B:'),
        record(d, 'hash:D:', { awaitingLlm: true, classifiedAt: T0 + 3 }),
      ]);
      await put({ ...item('D'), summary: 'nueva redacción', contentHash: 'hash:D2' });

      expect(await classifications.awaitingLlm({ limit: 10 })).toEqual([
        { id: a, contentHash: 'hash:A:', title: 'A', summary: '', language: 'es', publishedAt: T0, classifiedAt: T0 + 2 },
        { id: c, contentHash: 'hash:C:', title: 'C', summary: '', language: 'es', publishedAt: T0, classifiedAt: T0 + 1 },
      ]);
      expect((await classifications.awaitingLlm({ limit: 1, afterId: a })).map((row) => row.id)).toEqual([c]);
      // Counted for the status report, whatever their wording now.
      expect(await classifications.countAwaitingLlm()).toBe(3);
    });

    it('leave the list once labelled by the LLM', async () => {
      const { classifications } = opened.store;
      const [a] = (await put(item('A'))) as [number];
      await classifications.save([record(a, 'hash:A:', { awaitingLlm: true })]);
      await classifications.save([record(a, 'hash:A:', { source: 'llm', model: 'm', promptVersion: 'p1' })]);
      expect(await classifications.awaitingLlm({ limit: 10 })).toEqual([]);
      expect(await classifications.countAwaitingLlm()).toBe(0);
    });
  });

  describe('the LLM ledger', () => {
    it('caches themes by content hash, model and prompt version', async () => {
      const { classifications } = opened.store;
      await classifications.cacheThemes([{ contentHash: 'h1', themes: ['us-venezuela'] }, { contentHash: 'h2', themes: [] }], 'model-a', 'v1', T0);
      await classifications.cacheThemes([{ contentHash: 'h1', themes: ['china-latam'] }], 'model-a', 'v2', T0);

      expect(await classifications.cachedThemes(['h1', 'h2', 'h3'], 'model-a', 'v1')).toEqual(
        new Map([
          ['h1', ['us-venezuela']],
          ['h2', []],
        ]),
      );
      expect((await classifications.cachedThemes(['h1'], 'model-b', 'v1')).size).toBe(0);
      expect(await classifications.cachedThemes(['h1'], 'model-a', 'v2')).toEqual(new Map([['h1', ['china-latam']]]));
    });

    it('sums the tokens used since the start of a day, overviews and classification alike', async () => {
      const { classifications } = opened.store;
      const usage = { model: 'm', promptTokens: 900, completionTokens: 100, totalTokens: 1000, items: 20, mode: 'json_schema' };
      expect(await classifications.tokensUsedSince(T0)).toBe(0);
      await classifications.recordUsage({ ...usage, at: T0 - 1 });
      await classifications.recordUsage({ ...usage, at: T0 });
      await classifications.recordUsage({ ...usage, at: T0 + 5, totalTokens: 500, mode: 'text', purpose: 'overview' });
      expect(await classifications.tokensUsedSince(T0)).toBe(1500);
      expect(await classifications.tokensUsedSince(T0 - DAY)).toBe(2500);
      expect(await classifications.tokensUsedSince(T0 + DAY)).toBe(0);
    });

    it('remembers the response mode that works per server and model', async () => {
      const { classifications } = opened.store;
      expect(await classifications.savedMode('127.0.0.1:8000/v1', 'm')).toBeUndefined();
      await classifications.saveMode('127.0.0.1:8000/v1', 'm', 'json_object', T0);
      await classifications.saveMode('127.0.0.1:8000/v1', 'm', 'plain', T0 + 1);
      await classifications.saveMode('127.0.0.1:9000/v1', 'm', 'json_schema', T0);
      expect(await classifications.savedMode('127.0.0.1:8000/v1', 'm')).toBe('plain');
      expect(await classifications.savedMode('127.0.0.1:9000/v1', 'm')).toBe('json_schema');
      expect(await classifications.savedMode('127.0.0.1:8000/v1', 'other')).toBeUndefined();
    });

    it('keeps one merge decision per pair of texts, in either order, the latest standing', async () => {
      const { classifications } = opened.store;
      await classifications.saveMergeDecisions([{ a: 'h2', b: 'h1', same: true }, { a: 'h1', b: 'h3', same: false }], 'm', T0);
      await classifications.saveMergeDecisions([{ a: 'h1', b: 'h2', same: false }], 'm', T0 + 1);

      const decided = await classifications.mergeDecisions(['h1', 'h2', 'h3']);
      expect(decided.sort((x, y) => x.b.localeCompare(y.b))).toEqual([
        { a: 'h1', b: 'h2', same: false },
        { a: 'h1', b: 'h3', same: false },
      ]);
      // Only pairs whose two texts are both asked about.
      expect(await classifications.mergeDecisions(['h1', 'h2'])).toEqual([{ a: 'h1', b: 'h2', same: false }]);
      expect(await classifications.mergeDecisions(['h3'])).toEqual([]);
    });
  });

  it('writes labels and the ledger inside a transaction, and none of it when the transaction fails', async () => {
    const [id] = (await put(item('A'))) as [number];
    await expect(
      opened.store.withTransaction(async (tx) => {
        await tx.classifications.save([record(id, 'hash:A:')]);
        await tx.classifications.cacheThemes([{ contentHash: 'hash:A:', themes: ['china-latam'] }], 'm', 'v1', T0);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await opened.store.classifications.get(id)).toBeUndefined();
    expect((await opened.store.classifications.cachedThemes(['hash:A:'], 'm', 'v1')).size).toBe(0);
  });
});
