import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MOVE_AFTER_POLLS, REMOVED_FROM_CONFIG, type FeedPollUpdate } from '../../../src/core/feed.js';
import type { NormalizedItem } from '../../../src/core/types.js';
import { withDedupeKeys } from '../../../src/pipeline/dedupe-keys.js';
import { ENGINES, type OpenedStore } from './engines.js';

const MIN = 60_000;
const ok = (at: number, extra: Partial<Extract<FeedPollUpdate, { kind: 'success' }>> = {}): FeedPollUpdate => ({
  kind: 'success',
  at,
  http: 200,
  etag: null,
  lastModified: null,
  nextDueAt: at + 30 * MIN,
  ...extra,
});
const failed = (at: number, status: 'active' | 'failing' = 'active'): FeedPollUpdate => ({
  kind: 'error',
  at,
  http: 500,
  errorKind: 'http',
  message: 'The server answered 500.',
  nextDueAt: at + 60 * MIN,
  status,
});
const story = (title: string, url: string): NormalizedItem => ({
  guid: null,
  url,
  canonicalUrl: url,
  title,
  titleKey: title.toLowerCase(),
  summary: '',
  language: 'es',
  publishedAt: 0,
  dated: true,
  source: null,
  contentHash: title,
});

describe.each(ENGINES)('feeds ($name)', (engine) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => {
    await opened.close();
  });
  const add = async (url: string, name: string, origin: 'config' | 'user' = 'config', guildId: string | null = null) =>
    (await opened.store.feeds.add({ url, name }, origin, 0, guildId)).feed;

  describe('the list', () => {
    it('adds a feed due at once, healthy and never polled, and finds it by id and URL', async () => {
      const { feeds } = opened.store;
      const added = await feeds.add({ url: 'https://a.example/rss', name: 'A', language: 'pt', intervalMinutes: 15 }, 'config', 5_000);
      expect(added).toEqual({ kind: 'added', feed: expect.objectContaining({ url: 'https://a.example/rss' }) });
      expect(added.feed).toEqual({
        id: added.feed.id,
        url: 'https://a.example/rss',
        name: 'A',
        language: 'pt',
        intervalMinutes: 15,
        origin: 'config',
        guildId: null,
        status: 'active',
        etag: null,
        lastModified: null,
        nextDueAt: 0,
        lastPolledAt: null,
        lastSuccessAt: null,
        lastHttpStatus: null,
        consecutiveErrors: 0,
        lastErrorKind: null,
        lastErrorMessage: null,
        lastErrorAt: null,
        createdAt: 5_000,
        movedTo: null,
        movedSeen: 0,
        originalUrl: null,
      });
      expect(await feeds.get(added.feed.id)).toEqual(added.feed);
      expect(await feeds.getByUrl('https://a.example/rss')).toEqual(added.feed);
      expect(await feeds.get(added.feed.id + 1000)).toBeUndefined();
      expect(await feeds.getByUrl('https://nowhere.example/rss')).toBeUndefined();
    });

    it('answers `exists` with the stored feed for a URL it has, inside a transaction that stays usable', async () => {
      const { store } = opened;
      const first = await add('https://a.example/rss', 'A', 'user', 'g1');
      const again = await store.withTransaction(async (tx) => {
        const result = await tx.feeds.add({ url: 'https://a.example/rss', name: 'Otra' }, 'user', 1, 'g2');
        await tx.feeds.add({ url: 'https://b.example/rss', name: 'B' }, 'config', 1);
        return result;
      });
      expect(again).toEqual({ kind: 'exists', feed: first });
      expect((await store.feeds.list()).map((feed) => feed.name)).toEqual(['A', 'B']);
    });

    it('records the server that owns a user feed, never for a config feed', async () => {
      expect(await add('https://u.example/rss', 'U', 'user', '1000')).toMatchObject({ origin: 'user', guildId: '1000' });
      expect(await add('https://c.example/rss', 'C', 'config', '1000')).toMatchObject({ origin: 'config', guildId: null });
    });

    it('lists by name whatever the case, then by id; enabled ones by id', async () => {
      const { feeds } = opened.store;
      const zeta = await add('https://z.example/rss', 'zeta');
      const alpha = await add('https://a.example/rss', 'Alpha');
      const beta = await add('https://b.example/rss', 'beta');
      expect((await feeds.list()).map((feed) => feed.id)).toEqual([alpha.id, beta.id, zeta.id]);
      await feeds.syncConfigured([{ url: 'https://z.example/rss', name: 'zeta' }, { url: 'https://b.example/rss', name: 'beta' }], 1);
      expect((await feeds.enabled()).map((feed) => feed.id)).toEqual([zeta.id, beta.id]);
    });

    it('shows a server the config feeds, its own feeds and those added before owners were kept, never another server’s', async () => {
      await add('https://c.example/rss', 'Config');
      await add('https://a.example/rss', 'Of A', 'user', 'A');
      await add('https://b.example/rss', 'Of B', 'user', 'B');
      await add('https://old.example/rss', 'Older', 'user');
      expect((await opened.store.feeds.visibleTo('A')).map((feed) => feed.name)).toEqual(['Config', 'Of A', 'Older']);
      expect((await opened.store.feeds.visibleTo('B')).map((feed) => feed.name)).toEqual(['Config', 'Of B', 'Older']);
    });
  });

  describe('syncing with the config file', () => {
    it('adds new feeds, updates known ones, and disables the ones dropped from the file until they come back', async () => {
      const { feeds } = opened.store;
      expect(await feeds.syncConfigured([{ url: 'https://a.example/rss', name: 'A' }, { url: 'https://b.example/rss', name: 'B' }], 1)).toEqual({ added: 2, removed: 0 });
      const a = (await feeds.getByUrl('https://a.example/rss'))!;
      await feeds.recordPoll(a.id, ok(10, { etag: '"v1"' }));

      expect(await feeds.syncConfigured([{ url: 'https://a.example/rss', name: 'A renamed', language: 'en', intervalMinutes: 5 }], 20)).toEqual({ added: 0, removed: 1 });
      expect(await feeds.get(a.id)).toMatchObject({ name: 'A renamed', language: 'en', intervalMinutes: 5, etag: '"v1"', lastSuccessAt: 10, createdAt: 1 });
      expect(await feeds.getByUrl('https://b.example/rss')).toMatchObject({ status: 'disabled', lastErrorKind: REMOVED_FROM_CONFIG });
      expect(await feeds.syncConfigured([{ url: 'https://a.example/rss', name: 'A renamed' }], 30)).toEqual({ added: 0, removed: 0 });

      expect(await feeds.syncConfigured([{ url: 'https://a.example/rss', name: 'A' }, { url: 'https://b.example/rss', name: 'B' }], 40)).toEqual({ added: 0, removed: 0 });
      expect(await feeds.getByUrl('https://b.example/rss')).toMatchObject({ status: 'active', lastErrorKind: null, lastErrorMessage: null });
    });

    it('leaves user feeds alone', async () => {
      await add('https://u.example/rss', 'U', 'user', 'g1');
      expect(await opened.store.feeds.syncConfigured([], 1)).toEqual({ added: 0, removed: 0 });
      expect(await opened.store.feeds.getByUrl('https://u.example/rss')).toMatchObject({ status: 'active' });
    });

    it('keeps a disabled feed disabled when a poll that was in flight finishes afterwards', async () => {
      const { feeds } = opened.store;
      const config = await add('https://c.example/rss', 'C');
      await feeds.syncConfigured([], 1);
      await feeds.recordPoll(config.id, ok(1));
      await feeds.recordPoll(config.id, failed(1));
      expect(await feeds.get(config.id)).toMatchObject({ status: 'disabled', lastErrorKind: REMOVED_FROM_CONFIG });
      expect(await feeds.due(Number.MAX_SAFE_INTEGER)).toEqual([]);
    });
  });

  describe('polls', () => {
    it('lists as due the active and failing feeds whose time has come, soonest first', async () => {
      const { feeds } = opened.store;
      const a = await add('https://a.example/rss', 'A');
      const b = await add('https://b.example/rss', 'B');
      const c = await add('https://c.example/rss', 'C');
      await feeds.recordPoll(a.id, ok(0, { nextDueAt: 300 }));
      await feeds.recordPoll(b.id, { ...failed(0, 'failing'), nextDueAt: 200 } as FeedPollUpdate);
      await feeds.recordPoll(c.id, ok(0, { nextDueAt: 900 }));
      expect((await feeds.due(300)).map((feed) => feed.id)).toEqual([b.id, a.id]);
      expect(await feeds.due(199)).toEqual([]);
    });

    it('counts failures in a row and keeps the last error; a success clears them and keeps the last error text', async () => {
      const { feeds } = opened.store;
      const feed = await add('https://a.example/rss', 'A');
      await feeds.recordPoll(feed.id, failed(100));
      await feeds.recordPoll(feed.id, failed(200, 'failing'));
      expect(await feeds.get(feed.id)).toMatchObject({
        status: 'failing',
        consecutiveErrors: 2,
        lastErrorKind: 'http',
        lastErrorMessage: 'The server answered 500.',
        lastErrorAt: 200,
        lastPolledAt: 200,
        lastHttpStatus: 500,
        lastSuccessAt: null,
        nextDueAt: 200 + 60 * MIN,
      });
      await feeds.recordPoll(feed.id, ok(300, { etag: '"v2"', lastModified: 'Sat, 28 Nov 2026 10:00:00 GMT' }));
      expect(await feeds.get(feed.id)).toMatchObject({
        status: 'active',
        consecutiveErrors: 0,
        lastSuccessAt: 300,
        lastPolledAt: 300,
        lastHttpStatus: 200,
        etag: '"v2"',
        lastModified: 'Sat, 28 Nov 2026 10:00:00 GMT',
        nextDueAt: 300 + 30 * MIN,
        lastErrorKind: 'http',
      });
    });

    it('keeps the validators a 304 does not repeat', async () => {
      const { feeds } = opened.store;
      const feed = await add('https://a.example/rss', 'A');
      await feeds.recordPoll(feed.id, ok(100, { etag: '"v1"', lastModified: 'Fri, 27 Nov 2026 10:00:00 GMT' }));
      await feeds.recordPoll(feed.id, { kind: 'not-modified', at: 200, etag: null, lastModified: null, nextDueAt: 500 });
      expect(await feeds.get(feed.id)).toMatchObject({ etag: '"v1"', lastModified: 'Fri, 27 Nov 2026 10:00:00 GMT', lastHttpStatus: 304, lastSuccessAt: 200, nextDueAt: 500 });
      await feeds.recordPoll(feed.id, { kind: 'not-modified', at: 300, etag: '"v2"', lastModified: null, nextDueAt: 600 });
      expect(await feeds.get(feed.id)).toMatchObject({ etag: '"v2"', lastModified: 'Fri, 27 Nov 2026 10:00:00 GMT' });
    });

    it(`takes the new URL after ${MOVE_AFTER_POLLS} polls in a row permanently redirected to it, keeping the feed`, async () => {
      const { feeds } = opened.store;
      const feed = await add('https://old.example/rss', 'Andina');
      const moved = { movedTo: 'https://new.example/rss' };
      expect(await feeds.recordPoll(feed.id, ok(1, moved))).toEqual({ movedTo: null });
      expect(await feeds.recordPoll(feed.id, { kind: 'not-modified', at: 2, etag: null, lastModified: null, nextDueAt: 3, ...moved })).toEqual({ movedTo: null });
      expect(await feeds.get(feed.id)).toMatchObject({ url: 'https://old.example/rss', movedTo: 'https://new.example/rss', movedSeen: 2 });
      // A failed poll neither counts nor resets the count.
      await feeds.recordPoll(feed.id, failed(3));
      expect(await feeds.recordPoll(feed.id, ok(4, moved))).toEqual({ movedTo: 'https://new.example/rss' });
      expect(await feeds.get(feed.id)).toMatchObject({ id: feed.id, url: 'https://new.example/rss', originalUrl: 'https://old.example/rss', movedTo: null, movedSeen: 0 });
      // The config file may still list the old URL: it is the same feed.
      expect((await feeds.getByUrl('https://old.example/rss'))?.id).toBe(feed.id);
      expect(await feeds.syncConfigured([{ url: 'https://old.example/rss', name: 'Andina' }], 5)).toEqual({ added: 0, removed: 0 });
      expect(await feeds.get(feed.id)).toMatchObject({ status: 'active', url: 'https://new.example/rss' });
    });

    it('starts counting again when a poll is not redirected or goes elsewhere, and never moves onto another feed’s URL', async () => {
      const { feeds } = opened.store;
      const feed = await add('https://old.example/rss', 'Old');
      await add('https://taken.example/rss', 'Taken');
      await feeds.recordPoll(feed.id, ok(1, { movedTo: 'https://new.example/rss' }));
      await feeds.recordPoll(feed.id, ok(2));
      expect(await feeds.get(feed.id)).toMatchObject({ movedTo: null, movedSeen: 0 });
      await feeds.recordPoll(feed.id, ok(3, { movedTo: 'https://new.example/rss' }));
      await feeds.recordPoll(feed.id, ok(4, { movedTo: 'https://other.example/rss' }));
      expect(await feeds.get(feed.id)).toMatchObject({ movedTo: 'https://other.example/rss', movedSeen: 1 });
      for (let poll = 5; poll < 5 + MOVE_AFTER_POLLS; poll++) {
        expect(await feeds.recordPoll(feed.id, ok(poll, { movedTo: 'https://taken.example/rss' }))).toEqual({ movedTo: null });
      }
      expect(await feeds.get(feed.id)).toMatchObject({ url: 'https://old.example/rss' });
    });
  });

  describe('removing', () => {
    it('deletes a user-added feed, and leaves a config feed to the config file', async () => {
      const { feeds } = opened.store;
      const user = await add('https://u.example/rss', 'U', 'user', '1000');
      const config = await add('https://c.example/rss', 'C');
      expect(await feeds.remove(user.id)).toBe('deleted');
      expect(await feeds.get(user.id)).toBeUndefined();
      expect(await feeds.remove(config.id)).toBe('config');
      expect(await feeds.get(config.id)).toMatchObject({ status: 'active' });
      expect(await feeds.remove(user.id + 1000)).toBe('unknown');
    });

    it('keeps the stories a deleted feed shared with other feeds, under one of them', async () => {
      const { feeds, items } = opened.store;
      const user = await add('https://u.example/rss', 'U', 'user');
      const other = await add('https://o.example/rss', 'O');
      const save = (feedId: number, list: NormalizedItem[], fetchedAt = 0) =>
        items.saveFeedItems(feedId, withDedupeKeys(feedId, list), { fetchedAt, backlog: false });
      const {
        itemIds: [shared, own],
      } = await save(user.id, [story('Compartida', 'https://n.example/1'), story('Solo suya', 'https://n.example/2')]);
      await save(other.id, [story('Compartida', 'https://n.example/1')]);
      await feeds.remove(user.id);
      expect(await items.count()).toBe(1);
      expect(await items.get(shared as number)).toMatchObject({ title: 'Compartida', feedId: other.id });
      expect(await items.get(own as number)).toBeUndefined();
      // The other feed's next poll sees its known entry: nothing comes back as new.
      expect(await save(other.id, [story('Compartida', 'https://n.example/1')], 1)).toEqual({ new: 0, updated: 0, duplicate: 1, itemIds: [shared] });
    });
  });
});
