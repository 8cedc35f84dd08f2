import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../../src/core/types.js';
import { withDedupeKeys } from '../../../src/pipeline/dedupe-keys.js';
import { ENGINES, type OpenedStore } from './engines.js';
import { normalizedItem as item } from '../../support/normalized-item.js';

const FETCHED = Date.UTC(2026, 10, 29);

describe.each(ENGINES)('items ($name)', (engine) => {
  let opened: OpenedStore;
  let feedA: number;
  let feedB: number;
  const save = (feedId: number, list: NormalizedItem[], backlog = false) =>
    opened.store.items.saveFeedItems(feedId, withDedupeKeys(feedId, list), { fetchedAt: FETCHED, backlog });
  const counts = async (feedId: number, list: NormalizedItem[]) => {
    const { itemIds: _ids, ...saved } = await save(feedId, list);
    return saved;
  };

  beforeEach(async () => {
    opened = await engine.open();
    const { feeds } = opened.store;
    feedA = (await feeds.add({ url: 'https://a.example/rss', name: 'A' }, 'config', 0)).feed.id;
    feedB = (await feeds.add({ url: 'https://b.example/rss', name: 'B' }, 'config', 0)).feed.id;
  });
  afterEach(async () => {
    await opened.close();
  });

  it('stores new items once: re-saving the same entries stores nothing new, and gives the same ids', async () => {
    const entries = [
      item({ guid: 'g1', title: 'Cumbre del Mercosur', canonicalUrl: 'https://a.example/1' }),
      item({ guid: 'g2', title: 'CELAC reunida', canonicalUrl: 'https://a.example/2' }),
    ];
    const first = await save(feedA, entries);
    expect(first).toMatchObject({ new: 2, updated: 0, duplicate: 0 });
    expect(new Set(first.itemIds).size).toBe(2);
    expect(await save(feedA, entries)).toEqual({ new: 0, updated: 0, duplicate: 2, itemIds: first.itemIds });
    expect(await opened.store.items.count()).toBe(2);
  });

  it('reads an item back as it was stored', async () => {
    const entry = item({ guid: 'g1', title: 'Cumbre del Mercosur', url: 'https://a.example/1?utm_source=rss', canonicalUrl: 'https://a.example/1', summary: 'En Montevideo', source: 'EFE' });
    const {
      itemIds: [id],
    } = await save(feedA, [entry]);
    expect(await opened.store.items.get(id as number)).toEqual({
      id,
      feedId: feedA,
      guid: 'g1',
      url: 'https://a.example/1?utm_source=rss',
      canonicalUrl: 'https://a.example/1',
      title: 'Cumbre del Mercosur',
      summary: 'En Montevideo',
      language: 'es',
      source: 'EFE',
      publishedAt: entry.publishedAt,
      backlog: false,
      contentHash: entry.contentHash,
      fetchedAt: FETCHED,
    });
    expect(await opened.store.items.get((id as number) + 1000)).toBeUndefined();
  });

  it('updates the item when the same entry comes back with new wording', async () => {
    const {
      itemIds: [id],
    } = await save(feedA, [item({ guid: 'g1', title: 'Mercosur: cumbre', canonicalUrl: 'https://a.example/1' })]);
    expect(await counts(feedA, [item({ guid: 'g1', title: 'Mercosur: cumbre termina sin acuerdo', canonicalUrl: 'https://a.example/1' })])).toEqual({
      new: 0,
      updated: 1,
      duplicate: 0,
    });
    expect(await opened.store.items.count()).toBe(1);
    expect(await opened.store.items.get(id as number)).toMatchObject({
      title: 'Mercosur: cumbre termina sin acuerdo',
      contentHash: 'hash:Mercosur: cumbre termina sin acuerdo:',
    });
  });

  it('treats the same canonical URL in two feeds as one item, linked to both feeds; only the first feed rewrites it', async () => {
    const {
      itemIds: [id],
    } = await save(feedA, [item({ guid: 'a-1', title: 'Venezuela y EEUU', canonicalUrl: 'https://news.example/story' })]);
    expect(await save(feedB, [item({ guid: 'b-9', title: 'Venezuela y EE.UU.', canonicalUrl: 'https://news.example/story' })])).toEqual({
      new: 0,
      updated: 0,
      duplicate: 1,
      itemIds: [id],
    });
    expect(await opened.store.items.count()).toBe(1);
    expect([await opened.store.items.countForFeed(feedA), await opened.store.items.countForFeed(feedB)]).toEqual([1, 1]);
    expect(await counts(feedB, [item({ guid: 'b-9', title: 'Otro título', canonicalUrl: 'https://news.example/story' })])).toEqual({
      new: 0,
      updated: 0,
      duplicate: 1,
    });
    expect(await opened.store.items.get(id as number)).toMatchObject({ feedId: feedA, title: 'Venezuela y EEUU' });
  });

  it('treats the same normalized headline from the same source as one item, but not across sources', async () => {
    await save(feedA, [item({ title: 'Lula visita Caracas', canonicalUrl: 'https://a.example/x' })]);
    expect((await save(feedA, [item({ title: 'Lula visita Caracas', canonicalUrl: 'https://a.example/x?page=2' })])).duplicate).toBe(1);
    expect((await save(feedB, [item({ title: 'Lula visita Caracas', canonicalUrl: 'https://b.example/y' })])).new).toBe(1);
  });

  it('recognises an aggregator outlet as the source across two aggregator feeds', async () => {
    await save(feedA, [item({ title: 'Milei y el Mercosur', canonicalUrl: 'https://agg.example/1', source: 'Clarín' })]);
    expect((await save(feedB, [item({ title: 'Milei y el Mercosur', canonicalUrl: 'https://agg.example/2', source: 'Clarín' })])).duplicate).toBe(1);
  });

  it('stores entries of a feed that repeats one guid for every item as separate items', async () => {
    const saved = await save(feedA, [
      item({ guid: 'rss', title: 'Uno', canonicalUrl: 'https://a.example/1' }),
      item({ guid: 'rss', title: 'Dos', canonicalUrl: 'https://a.example/2' }),
    ]);
    expect(saved.new).toBe(2);
  });

  it('marks backlog items so later stages can skip them', async () => {
    const {
      itemIds: [old],
    } = await save(feedA, [item({ guid: 'old', title: 'Archivo', canonicalUrl: 'https://a.example/old' })], true);
    const {
      itemIds: [fresh],
    } = await save(feedA, [item({ guid: 'new', title: 'Hoy', canonicalUrl: 'https://a.example/new' })]);
    expect((await opened.store.items.get(old as number))?.backlog).toBe(true);
    expect((await opened.store.items.get(fresh as number))?.backlog).toBe(false);
  });

  it('counts every stored item once, and per feed the entries it gave', async () => {
    expect(await opened.store.items.count()).toBe(0);
    await save(feedA, [item({ guid: '1', title: 'Uno', canonicalUrl: 'https://n.example/1' }), item({ guid: '2', title: 'Dos', canonicalUrl: 'https://n.example/2' })]);
    await save(feedB, [item({ guid: 'x', title: 'Uno otra vez', canonicalUrl: 'https://n.example/1' })]);
    expect(await opened.store.items.count()).toBe(2);
    expect([await opened.store.items.countForFeed(feedA), await opened.store.items.countForFeed(feedB)]).toEqual([2, 1]);
  });

  it('recognises within one save the entries that repeat a story stored a moment earlier in it, as when saved one by one', async () => {
    const saved = await save(feedA, [
      item({ guid: '1', title: 'Cumbre en Asunción', canonicalUrl: 'https://a.example/1' }),
      item({ guid: '2', title: 'Cumbre en Asunción (copia)', canonicalUrl: 'https://a.example/1' }),
      item({ guid: '3', title: 'Cumbre en Asunción' }),
      item({ guid: '4', title: 'Litio en Bolivia', canonicalUrl: 'https://a.example/4' }),
    ]);
    expect(saved).toMatchObject({ new: 2, updated: 0, duplicate: 2 });
    const [first, copy, sameHeadline, other] = saved.itemIds;
    expect([copy, sameHeadline]).toEqual([first, first]);
    expect(other).not.toBe(first);
    expect(await opened.store.items.countForFeed(feedA)).toBe(4);
  });
});
