import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MOVE_AFTER_POLLS, REMOVED_FROM_CONFIG, type FeedPollUpdate } from '../../../src/core/feed.js';
import { withDedupeKeys } from '../../../src/pipeline/dedupe-keys.js';
import type { Store } from '../../../src/store-context.js';
import { ENGINES, type OpenedStore } from './engines.js';

const ok = (at: number, movedTo: string | null = null): FeedPollUpdate => ({
  kind: 'success',
  at,
  http: 200,
  etag: `"e${at}"`,
  lastModified: null,
  nextDueAt: at + 1_000,
  movedTo,
});
const failed = (at: number, status: 'active' | 'failing' = 'active'): FeedPollUpdate => ({
  kind: 'error',
  at,
  http: 500,
  errorKind: 'http',
  message: 'HTTP 500',
  nextDueAt: at + 5_000,
  status,
});

describe.each(ENGINES)('feeds and their health ($name)', (engine) => {
  let opened: OpenedStore;
  let feeds: Store['feeds'];
  beforeEach(async () => {
    opened = await engine.open();
    feeds = opened.store.feeds;
  });
  afterEach(async () => {
    await opened.close();
  });

  it('add a feed due at once, and answer `exists` for a URL already stored', async () => {
    const added = await feeds.add({ url: 'https://a.example/rss', name: 'Diario A', language: 'es', intervalMinutes: 15 }, 'user', 10, 'guild-1');
    expect(added).toMatchObject({ kind: 'added', feed: { name: 'Diario A', origin: 'user', guildId: 'guild-1', status: 'active', nextDueAt: 0, createdAt: 10, intervalMinutes: 15, consecutiveErrors: 0 } });
    const again = await feeds.add({ url: 'https://a.example/rss', name: 'Otro' }, 'user', 20, 'guild-2');
    expect(again).toEqual({ kind: 'exists', feed: added.feed });
    expect(await feeds.getByUrl('https://a.example/rss')).toEqual(added.feed);
    expect(await feeds.get(added.feed.id)).toEqual(added.feed);
    expect(await feeds.get(999_999)).toBeUndefined();
  });

  it('list by name ignoring case, then id; the due ones by due time; a server sees the config feeds and its own', async () => {
    await feeds.add({ url: 'https://b.example/rss', name: 'beta' }, 'config', 0);
    await feeds.add({ url: 'https://a.example/rss', name: 'Alfa' }, 'user', 0, 'guild-1');
    await feeds.add({ url: 'https://c.example/rss', name: 'Gamma' }, 'user', 0, 'guild-2');
    expect((await feeds.list()).map((feed) => feed.name)).toEqual(['Alfa', 'beta', 'Gamma']);
    expect((await feeds.visibleTo('guild-1')).map((feed) => feed.name)).toEqual(['Alfa', 'beta']);
    const [beta] = (await feeds.list()).filter((feed) => feed.name === 'beta');
    await feeds.recordPoll(beta?.id ?? 0, ok(100));
    expect((await feeds.due(500)).map((feed) => feed.name)).toEqual(['Alfa', 'Gamma']);
    expect((await feeds.due(2_000)).map((feed) => feed.name)).toEqual(['Alfa', 'Gamma', 'beta']);
  });

  it('count failures in a row, keep the last error, and start over on a success', async () => {
    const { feed } = await feeds.add({ url: 'https://a.example/rss', name: 'A' }, 'config', 0);
    await feeds.recordPoll(feed.id, failed(100));
    await feeds.recordPoll(feed.id, failed(200, 'failing'));
    expect(await feeds.get(feed.id)).toMatchObject({
      status: 'failing',
      consecutiveErrors: 2,
      lastErrorKind: 'http',
      lastErrorMessage: 'HTTP 500',
      lastErrorAt: 200,
      lastHttpStatus: 500,
      lastPolledAt: 200,
      nextDueAt: 5_200,
      lastSuccessAt: null,
    });
    // Failing feeds are still polled, rarely.
    expect((await feeds.due(6_000)).map((row) => row.id)).toEqual([feed.id]);
    await feeds.recordPoll(feed.id, ok(300));
    expect(await feeds.get(feed.id)).toMatchObject({ status: 'active', consecutiveErrors: 0, etag: '"e300"', lastSuccessAt: 300, lastHttpStatus: 200 });
    await feeds.recordPoll(feed.id, { kind: 'not-modified', at: 400, etag: null, lastModified: 'Mon', nextDueAt: 1_400 });
    expect(await feeds.get(feed.id)).toMatchObject({ etag: '"e300"', lastModified: 'Mon', lastHttpStatus: 304, lastSuccessAt: 400 });
  });

  it(`adopt a permanent redirect after ${MOVE_AFTER_POLLS} polls in a row, and stay findable by the old URL`, async () => {
    const { feed } = await feeds.add({ url: 'http://old.example/rss', name: 'A' }, 'config', 0);
    const target = 'https://new.example/rss';
    await feeds.recordPoll(feed.id, ok(1, target));
    await feeds.recordPoll(feed.id, ok(2, null));
    await feeds.recordPoll(feed.id, ok(3, target));
    await feeds.recordPoll(feed.id, failed(4));
    expect(await feeds.recordPoll(feed.id, ok(5, target))).toEqual({ movedTo: null });
    expect(await feeds.recordPoll(feed.id, ok(6, target))).toEqual({ movedTo: target });
    expect(await feeds.get(feed.id)).toMatchObject({ url: target, originalUrl: 'http://old.example/rss', movedTo: null, movedSeen: 0 });
    expect((await feeds.getByUrl('http://old.example/rss'))?.id).toBe(feed.id);
  });

  it('follow the config file: add new feeds, update known ones, disable dropped ones and resume them when listed again', async () => {
    const user = (await feeds.add({ url: 'https://user.example/rss', name: 'U' }, 'user', 0, 'g')).feed;
    expect(await feeds.syncConfigured([{ url: 'https://a.example/rss', name: 'A' }, { url: 'https://b.example/rss', name: 'B' }], 0)).toEqual({ added: 2, removed: 0 });
    expect(await feeds.syncConfigured([{ url: 'https://a.example/rss', name: 'A2', language: 'pt', intervalMinutes: 60 }], 1)).toEqual({ added: 0, removed: 1 });
    expect(await feeds.getByUrl('https://a.example/rss')).toMatchObject({ name: 'A2', language: 'pt', intervalMinutes: 60, status: 'active' });
    expect(await feeds.getByUrl('https://b.example/rss')).toMatchObject({ status: 'disabled', lastErrorKind: REMOVED_FROM_CONFIG });
    expect((await feeds.enabled()).map((feed) => feed.url)).toEqual([user.url, 'https://a.example/rss']);
    // A disabled feed is left as it is by polls still in flight.
    const b = (await feeds.getByUrl('https://b.example/rss'))?.id ?? 0;
    await feeds.recordPoll(b, ok(2));
    expect(await feeds.get(b)).toMatchObject({ status: 'disabled' });
    expect(await feeds.syncConfigured([{ url: 'https://a.example/rss', name: 'A2' }, { url: 'https://b.example/rss', name: 'B' }], 3)).toEqual({ added: 0, removed: 0 });
    expect(await feeds.getByUrl('https://b.example/rss')).toMatchObject({ status: 'active', lastErrorKind: null });
  });

  it('delete a user feed with the items only it carried; a story another feed carries stays; config feeds stay', async () => {
    const a = (await feeds.add({ url: 'https://a.example/rss', name: 'A' }, 'user', 0, 'g')).feed.id;
    const b = (await feeds.add({ url: 'https://b.example/rss', name: 'B' }, 'config', 0)).feed.id;
    const entry = (guid: string, canonicalUrl: string) => ({
      guid,
      url: canonicalUrl,
      canonicalUrl,
      title: guid,
      titleKey: guid,
      summary: '',
      language: 'es' as const,
      publishedAt: 0,
      dated: true,
      source: null,
      contentHash: guid,
    });
    const { items } = opened.store;
    await items.saveFeedItems(a, withDedupeKeys(a, [entry('only-a', 'https://x.example/1'), entry('shared', 'https://x.example/2')]), { fetchedAt: 0, backlog: false });
    await items.saveFeedItems(b, withDedupeKeys(b, [entry('copy', 'https://x.example/2')]), { fetchedAt: 0, backlog: false });
    expect(await feeds.remove(b)).toBe('config');
    expect(await feeds.remove(a)).toBe('deleted');
    expect(await feeds.remove(a)).toBe('unknown');
    expect(await items.count()).toBe(1);
    expect(await items.countForFeed(b)).toBe(1);
  });
});
