import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimRequest } from '../../../src/core/feed-lease.js';
import { withDedupeKeys } from '../../../src/pipeline/dedupe-keys.js';
import { normalizedItem as item } from '../../support/normalized-item.js';
import { ENGINES, type OpenedStore } from './engines.js';

const NOW = Date.UTC(2026, 10, 30, 9);
const MIN = 60_000;
const LEASE = 5 * MIN;

describe.each(ENGINES)('feed leases ($name)', (engine) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => {
    await opened.close();
  });
  const addFeeds = async (urls: string[]) => {
    const ids: number[] = [];
    for (const url of urls) ids.push((await opened.store.feeds.add({ url, name: url }, 'config', 0)).feed.id);
    return ids;
  };
  const claim = (owner: string, options: Partial<ClaimRequest> = {}) =>
    opened.store.leases.claimDue({ owner, now: NOW, until: NOW + LEASE, limit: 10, perHost: 10, ...options });
  const ids = (claimed: { feeds: { id: number }[] }) => claimed.feeds.map((feed) => feed.id);
  const polled = (feedId: number, at: number) =>
    opened.store.feeds.recordPoll(feedId, { kind: 'success', at, http: 200, etag: null, lastModified: null, nextDueAt: at + 30 * MIN });

  it('leases due feeds to one worker: another worker gets the rest, none twice, and feeds not due stay put', async () => {
    const [a, b, c, later] = await addFeeds(['https://a.example/1', 'https://b.example/1', 'https://c.example/1', 'https://d.example/1']);
    await polled(later as number, NOW - MIN);
    const first = await claim('worker-1', { limit: 2 });
    expect(ids(first)).toEqual([a, b]);
    expect(first.takeovers).toEqual([]);
    expect(ids(await claim('worker-2'))).toEqual([c]);
    expect(ids(await claim('worker-3'))).toEqual([]);
  });

  it('frees a released feed, which is claimed again only when its poll made it due again', async () => {
    const [a] = await addFeeds(['https://a.example/1']);
    await claim('worker-1');
    await polled(a as number, NOW);
    await opened.store.leases.release('worker-1', [a as number]);
    expect(ids(await claim('worker-2'))).toEqual([]);
    expect(ids(await claim('worker-2', { now: NOW + 30 * MIN, until: NOW + 30 * MIN + LEASE }))).toEqual([a]);
  });

  it('lets only the owner release a lease', async () => {
    const [a] = await addFeeds(['https://a.example/1']);
    await claim('worker-1');
    await opened.store.leases.release('worker-2', [a as number]);
    expect(ids(await claim('worker-2'))).toEqual([]);
  });

  it('takes over a lease that expired (its worker died) and names the previous owner', async () => {
    const [a] = await addFeeds(['https://a.example/1']);
    await claim('worker-1');
    expect(ids(await claim('worker-2', { now: NOW + LEASE - 1 }))).toEqual([]);
    const later = await claim('worker-2', { now: NOW + LEASE, until: NOW + 2 * LEASE });
    expect(ids(later)).toEqual([a]);
    expect(later.takeovers).toEqual([{ feedId: a, previousOwner: 'worker-1' }]);
  });

  it('never leases more of one host than the per-host limit, counting the leases other workers hold there', async () => {
    const [h1, h2, , , other] = await addFeeds([
      'https://busy.example/1',
      'https://busy.example/2',
      'https://busy.example/3',
      'https://busy.example/4',
      'https://quiet.example/1',
    ]);
    expect(ids(await claim('worker-1', { perHost: 2, limit: 2 }))).toEqual([h1, h2]);
    // busy.example has its two polls running already: the second worker gets only the other host.
    expect(ids(await claim('worker-2', { perHost: 2 }))).toEqual([other]);
  });

  it('keeps concurrent claims apart: each feed leased once, no host over its limit', async () => {
    const urls = Array.from({ length: 24 }, (_, index) => `https://host${index % 4}.example/${index}`);
    await addFeeds(urls);
    const claims = await Promise.all(['w1', 'w2', 'w3'].map((owner) => claim(owner, { limit: 24, perHost: 3 })));
    const leased = claims.flatMap(ids);
    expect(new Set(leased).size).toBe(leased.length);
    // Four hosts, three polls each at most, whoever holds them.
    expect(leased).toHaveLength(12);
    const perHost = new Map<string, number>();
    for (const feed of claims.flatMap((c) => c.feeds)) perHost.set(new URL(feed.url).host, (perHost.get(new URL(feed.url).host) ?? 0) + 1);
    expect([...perHost.values()]).toEqual([3, 3, 3, 3]);
  });

  it('stores a story once when two feeds save it at the same moment (two connections on PostgreSQL)', async () => {
    const [a, b] = await addFeeds(['https://a.example/rss', 'https://b.example/rss']);
    const stories = Array.from({ length: 30 }, (_, index) => index);
    const entries = (feed: string) => [
      // The same story under each feed's own guid: recognised by its canonical URL.
      ...stories.map((n) => item({ guid: `${feed}-${n}`, title: `Nota ${n}`, canonicalUrl: `https://news.example/${n}` })),
      // No URL: recognised by source and headline.
      ...stories.map((n) => item({ guid: `${feed}-t${n}`, title: `Titular ${n}`, source: 'EFE' })),
    ];
    // Each save stays uncommitted a moment, as when the poll is recorded in the same transaction.
    const save = (feedId: number, feed: string) =>
      opened.store.withTransaction(async (tx) => {
        const saved = await tx.items.saveFeedItems(feedId, withDedupeKeys(feedId, entries(feed)), { fetchedAt: NOW, backlog: false });
        await new Promise((resolve) => setTimeout(resolve, 300));
        return saved;
      });
    const [first, second] = await Promise.all([save(a as number, 'a'), save(b as number, 'b')]);
    expect(first.new + second.new).toBe(60);
    expect(first.duplicate + second.duplicate).toBe(60);
    expect(await opened.store.items.count()).toBe(60);
    expect(new Set(first.itemIds)).toEqual(new Set(second.itemIds));
  });
});
