import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../../src/core/types.js';
import { withDedupeKeys } from '../../../src/pipeline/dedupe-keys.js';
import type { Store } from '../../../src/store-context.js';
import { ENGINES, type OpenedStore } from './engines.js';

const FETCHED = Date.UTC(2026, 10, 29);

function entry(overrides: Partial<NormalizedItem> & { title: string }): NormalizedItem {
  return {
    guid: null,
    url: null,
    canonicalUrl: null,
    titleKey: overrides.title.toLowerCase(),
    summary: '',
    language: 'es',
    publishedAt: Date.UTC(2026, 10, 28),
    dated: true,
    source: null,
    contentHash: `hash:${overrides.title}:${overrides.summary ?? ''}`,
    ...overrides,
  };
}

describe.each(ENGINES)('items and their dedupe ($name)', (engine) => {
  let opened: OpenedStore;
  let store: Store;
  let feedA: number;
  let feedB: number;
  const save = (feedId: number, entries: NormalizedItem[], backlog = false) =>
    store.items.saveFeedItems(feedId, withDedupeKeys(feedId, entries), { fetchedAt: FETCHED, backlog });

  beforeEach(async () => {
    opened = await engine.open();
    store = opened.store;
    feedA = (await store.feeds.add({ url: 'https://a.example/rss', name: 'A' }, 'config', 0)).feed.id;
    feedB = (await store.feeds.add({ url: 'https://b.example/rss', name: 'B' }, 'config', 0)).feed.id;
  });
  afterEach(async () => {
    await opened.close();
  });

  it('store new items once: the same entries saved again are duplicates', async () => {
    const entries = [
      entry({ guid: 'g1', title: 'Cumbre del Mercosur', canonicalUrl: 'https://a.example/1' }),
      entry({ guid: 'g2', title: 'CELAC reunida', canonicalUrl: 'https://a.example/2' }),
    ];
    expect(await save(feedA, entries)).toEqual({ new: 2, updated: 0, duplicate: 0 });
    expect(await save(feedA, entries)).toEqual({ new: 0, updated: 0, duplicate: 2 });
    expect(await store.items.count()).toBe(2);
  });

  it('take the new wording when the feed that published an item first changes it', async () => {
    await save(feedA, [entry({ guid: 'g1', title: 'Mercosur: cumbre', canonicalUrl: 'https://a.example/1' })]);
    const counts = await save(feedA, [entry({ guid: 'g1', title: 'Mercosur: cumbre termina sin acuerdo', canonicalUrl: 'https://a.example/1' })]);
    expect(counts).toEqual({ new: 0, updated: 1, duplicate: 0 });
    expect(await store.items.count()).toBe(1);
    const [found] = (await store.search.search('acuerdo', {}, { offset: 0, limit: 5 }, FETCHED)).hits;
    expect((await store.items.get(found?.id ?? 0))?.title).toBe('Mercosur: cumbre termina sin acuerdo');
  });

  it('make the same canonical URL in two feeds one item, linked to both, which only its first feed rewrites', async () => {
    await save(feedA, [entry({ guid: 'a-1', title: 'Venezuela y EEUU', canonicalUrl: 'https://news.example/story' })]);
    expect(await save(feedB, [entry({ guid: 'b-9', title: 'Venezuela y EE.UU.', canonicalUrl: 'https://news.example/story' })])).toEqual({
      new: 0,
      updated: 0,
      duplicate: 1,
    });
    expect(await store.items.count()).toBe(1);
    expect(await store.items.countForFeed(feedB)).toBe(1);
    expect(await save(feedB, [entry({ guid: 'b-9', title: 'Otro título', canonicalUrl: 'https://news.example/story' })])).toEqual({
      new: 0,
      updated: 0,
      duplicate: 1,
    });
  });

  it('make the same headline from the same source one item, but not across sources', async () => {
    await save(feedA, [entry({ title: 'Lula visita Caracas', canonicalUrl: 'https://a.example/x' })]);
    expect((await save(feedA, [entry({ title: 'Lula visita Caracas', canonicalUrl: 'https://a.example/x?page=2' })])).duplicate).toBe(1);
    expect((await save(feedB, [entry({ title: 'Lula visita Caracas', canonicalUrl: 'https://b.example/y' })])).new).toBe(1);
    // An aggregator's outlet is the source, whichever feed carries it.
    await save(feedA, [entry({ title: 'Milei y el Mercosur', canonicalUrl: 'https://agg.example/1', source: 'Clarín' })]);
    expect((await save(feedB, [entry({ title: 'Milei y el Mercosur', canonicalUrl: 'https://agg.example/2', source: 'Clarín' })])).duplicate).toBe(1);
  });

  it('recognise within one save an entry that repeats a story stored a moment earlier in it', async () => {
    expect(
      await save(feedA, [
        entry({ guid: '1', title: 'Cumbre en Asunción', canonicalUrl: 'https://a.example/1' }),
        entry({ guid: '2', title: 'Cumbre en Asunción (copia)', canonicalUrl: 'https://a.example/1' }),
        entry({ guid: '3', title: 'Cumbre en Asunción' }),
      ]),
    ).toEqual({ new: 1, updated: 0, duplicate: 2 });
    expect(await store.items.countForFeed(feedA)).toBe(3);
  });

  it('store the entries of a feed that gives every item the same guid as separate items', async () => {
    const counts = await save(feedA, [
      entry({ guid: 'rss', title: 'Uno', canonicalUrl: 'https://a.example/1' }),
      entry({ guid: 'rss', title: 'Dos', canonicalUrl: 'https://a.example/2' }),
    ]);
    expect(counts.new).toBe(2);
  });

  it('keep what each item is, with backlog marked so digests skip it, ids rising in feed order', async () => {
    await save(feedA, [entry({ guid: 'now', title: 'Hoy', canonicalUrl: 'https://a.example/hoy', url: 'https://a.example/hoy?utm=x' })]);
    await save(feedA, [entry({ guid: 'old', title: 'Archivo', canonicalUrl: 'https://a.example/old' }), entry({ guid: 'older', title: 'Más archivo' })], true);
    const hits = (await store.search.search('archivo', {}, { offset: 0, limit: 5 }, FETCHED)).hits;
    const ids = hits.map((hit) => hit.id).sort((a, b) => a - b);
    expect(await Promise.all(ids.map((id) => store.items.get(id)))).toMatchObject([
      { title: 'Archivo', backlog: true, feedId: feedA, guid: 'old', fetchedAt: FETCHED },
      { title: 'Más archivo', backlog: true, canonicalUrl: null },
    ]);
    const [today] = (await store.search.search('hoy', {}, { offset: 0, limit: 5 }, FETCHED)).hits;
    expect(await store.items.get(today?.id ?? 0)).toEqual({
      id: today?.id,
      feedId: feedA,
      guid: 'now',
      url: 'https://a.example/hoy?utm=x',
      canonicalUrl: 'https://a.example/hoy',
      title: 'Hoy',
      summary: '',
      language: 'es',
      source: null,
      publishedAt: Date.UTC(2026, 10, 28),
      backlog: false,
      contentHash: 'hash:Hoy:',
      fetchedAt: FETCHED,
    });
    expect(today?.id).toBeLessThan(ids[0] as number);
    expect(await store.items.get(999_999)).toBeUndefined();
  });

  it('save a feed’s items in the caller’s transaction, and none of them when it fails', async () => {
    const work = store.withTransaction(async (tx) => {
      await tx.items.saveFeedItems(feedA, withDedupeKeys(feedA, [entry({ guid: '1', title: 'Uno' })]), { fetchedAt: FETCHED, backlog: false });
      throw new Error('the poll could not be recorded');
    });
    await expect(work).rejects.toThrow('the poll could not be recorded');
    expect(await store.items.count()).toBe(0);
  });
});
