import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PollingConfig } from '../../src/config/config-schema.js';
import { createFeedParser, type FeedParser } from '../../src/pipeline/feed-parser.js';
import { ingestFeed } from '../../src/pipeline/ingest-feed.js';
import { pollFeeds } from '../../src/pipeline/poll-feeds.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { testIngestContext } from '../support/ingest-context.js';
import { rss } from '../support/rss.js';

const NOW = Date.UTC(2026, 10, 29, 12);
const MIN = 60_000;

describe('ingesting a feed (fetch → decode → parse → normalize → store)', () => {
  let server: FeedServer;
  let ctx: ReturnType<typeof testIngestContext>;
  const contexts: ReturnType<typeof testIngestContext>[] = [];
  function context(polling: Partial<PollingConfig> = {}, feedParser?: FeedParser) {
    const made = testIngestContext(polling, feedParser);
    contexts.push(made);
    return made;
  }
  const addFeed = async (path: string, name = path) => (await ctx.store.feeds.add({ url: server.url(path), name }, 'config', NOW)).feed;

  beforeEach(async () => {
    server = await startFeedServer();
    ctx = context();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((made) => made.close()));
    await server.close();
  });

  it('stores a new feed’s first items as backlog, and later items as fresh news', async () => {
    server.route('/a.xml', { body: rss([{ title: 'Cumbre del Mercosur en Montevideo', link: 'https://news.example/1', guid: '1' }]) });
    const feed = await addFeed('/a.xml');
    const first = await ingestFeed(ctx, feed, NOW);
    expect(first).toMatchObject({ status: 'ok', http: 200, new: 1, updated: 0, duplicate: 0 });

    server.route('/a.xml', {
      body: rss([
        { title: 'Cumbre del Mercosur en Montevideo', link: 'https://news.example/1', guid: '1' },
        { title: 'La CELAC se reúne en Bogotá', link: 'https://news.example/2', guid: '2' },
      ]),
    });
    const second = await ingestFeed(ctx, (await ctx.store.feeds.get(feed.id))!, NOW + 31 * MIN);
    expect(second).toMatchObject({ status: 'ok', new: 1, duplicate: 1 });
    const rows = ctx.db.prepare('SELECT title, backlog FROM items ORDER BY id').all();
    expect(rows).toEqual([
      { title: 'Cumbre del Mercosur en Montevideo', backlog: 1 },
      { title: 'La CELAC se reúne en Bogotá', backlog: 0 },
    ]);
  });

  it('sends the stored ETag and Last-Modified back, and a 304 costs no parse and no writes', async () => {
    const lastModified = 'Fri, 27 Nov 2026 10:00:00 GMT';
    server.route('/a.xml', { body: rss([{ title: 'Venezuela: presos políticos', guid: 'v1', link: 'https://n.example/v1' }]), etag: '"v1"', lastModified });
    const feed = await addFeed('/a.xml');
    await ingestFeed(ctx, feed, NOW);
    expect(await ctx.store.feeds.get(feed.id)).toMatchObject({ etag: '"v1"', lastModified });

    const changes = ctx.db.prepare('SELECT total_changes() AS n');
    const before = (changes.get() as { n: number }).n;
    const again = await ingestFeed(ctx, (await ctx.store.feeds.get(feed.id))!, NOW + 31 * MIN);
    expect(again).toMatchObject({ status: 'not-modified', http: 304, new: 0, bytes: 0 });
    expect(server.requests('/a.xml')[1]?.headers['if-none-match']).toBe('"v1"');
    expect(server.requests('/a.xml')[1]?.headers['if-modified-since']).toBe(lastModified);
    // Only the feed row's poll times change; no item is written.
    expect((changes.get() as { n: number }).n - before).toBe(1);
    expect(await ctx.store.items.count()).toBe(1);
  });

  it('stops a feed whose parsing outlasts its CPU budget, records it as parse-timeout, and the cycle goes on', async () => {
    // About 7 MB of ordinary markup: seconds of parsing, against a budget of 100 ms.
    const heavy = rss(
      Array.from({ length: 1000 }, (_, i) => ({ title: `Nota ${i}`, guid: `h${i}`, link: `https://n.example/h${i}`, description: '<p>Mercosur y la CAN</p>'.repeat(200) })),
    );
    server.route('/heavy.xml', { body: heavy });
    server.route('/light.xml', { body: rss([{ title: 'Cumbre de la CELAC', guid: 'l1', link: 'https://n.example/l1' }]) });
    ctx = context({}, createFeedParser({ budgetMs: 100 }));
    const heavyFeed = await addFeed('/heavy.xml');
    const lightFeed = await addFeed('/light.xml');

    const reports = await pollFeeds(ctx, { now: NOW });
    expect(reports.find((report) => report.feedId === heavyFeed.id)).toMatchObject({ status: 'error', errorKind: 'parse-timeout' });
    expect(reports.find((report) => report.feedId === lightFeed.id)).toMatchObject({ status: 'ok', new: 1 });
    expect(await ctx.store.feeds.get(heavyFeed.id)).toMatchObject({ consecutiveErrors: 1, lastErrorKind: 'parse-timeout' });
    expect((await ctx.store.feeds.get(heavyFeed.id))?.lastErrorMessage).toMatch(/longer than 0\.1 s/);

    // The stopped thread is replaced: the next body parses as usual.
    server.route('/heavy.xml', { body: rss([{ title: 'Ahora es corta', guid: 'h1', link: 'https://n.example/h1' }]) });
    expect(await ingestFeed(ctx, (await ctx.store.feeds.get(heavyFeed.id))!, NOW + 60 * MIN)).toMatchObject({ status: 'ok', new: 1 });
  });

  it('does not wait for a parse when Sancocho stops: the poll is left for the next start, nothing recorded', async () => {
    const heavy = rss(
      Array.from({ length: 1000 }, (_, i) => ({ title: `Nota ${i}`, guid: `h${i}`, link: `https://n.example/h${i}`, description: '<p>Mercosur y la CAN</p>'.repeat(200) })),
    );
    server.route('/heavy.xml', { body: heavy });
    const stop = new AbortController();
    ctx = { ...context({}, createFeedParser({ budgetMs: 60_000 })), signal: stop.signal };
    const feed = await addFeed('/heavy.xml');
    const started = performance.now();
    const polled = ingestFeed(ctx, feed, NOW);
    // Stop once the body is in the parser (fetched), well before a parse of this size ends.
    await new Promise((resolve) => setTimeout(resolve, 150));
    stop.abort();
    expect(await polled).toMatchObject({ status: 'error', errorKind: 'cancelled' });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(await ctx.store.feeds.get(feed.id)).toMatchObject({ consecutiveErrors: 0, lastErrorKind: null });
  });

  it('takes at most polling.maxItemsPerFeed entries from one document, the newest', async () => {
    const day = (n: number) => new Date(Date.UTC(2026, 10, n, 12)).toUTCString();
    server.route('/big.xml', {
      body: rss([5, 1, 4, 2, 3].map((n) => ({ title: `Nota del día ${n}`, guid: `d${n}`, link: `https://n.example/d${n}`, pubDate: day(n) }))),
    });
    ctx = context({ maxItemsPerFeed: 3 });
    const feed = await addFeed('/big.xml');
    expect(await ingestFeed(ctx, feed, NOW)).toMatchObject({ status: 'ok', new: 3 });
    const titles = ctx.db.prepare('SELECT title FROM items ORDER BY published_at DESC').all();
    expect(titles).toEqual([{ title: 'Nota del día 5' }, { title: 'Nota del día 4' }, { title: 'Nota del día 3' }]);
  });

  describe('a feed that moved', () => {
    const poll = async (id: number, n: number) => ingestFeed(ctx, (await ctx.store.feeds.get(id))!, NOW + n * 31 * MIN);
    const story = (title: string) => rss([{ title, guid: title, link: `https://n.example/${encodeURIComponent(title)}` }]);

    it.each([301, 308])('takes the new URL after a %i on 3 polls in a row, keeping its id, health and items', async (status) => {
      server.route('/new.xml', { body: story('Cumbre andina') });
      server.route('/old.xml', { status, redirect: server.url('/new.xml') });
      const feed = await addFeed('/old.xml');
      await poll(feed.id, 0);
      await poll(feed.id, 1);
      expect(await ctx.store.feeds.get(feed.id)).toMatchObject({ url: server.url('/old.xml'), movedTo: server.url('/new.xml'), movedSeen: 2 });

      expect(await poll(feed.id, 2)).toMatchObject({ status: 'ok' });
      const moved = (await ctx.store.feeds.get(feed.id))!;
      expect(moved).toMatchObject({ id: feed.id, url: server.url('/new.xml'), originalUrl: server.url('/old.xml'), movedTo: null, status: 'active' });
      expect(moved.lastSuccessAt).not.toBeNull();
      expect(await ctx.store.items.count()).toBe(1);

      // From now on the new URL is asked directly, and the config file's old URL still names this feed.
      server.route('/new.xml', { body: story('Cumbre andina, segundo día') });
      expect(await poll(feed.id, 3)).toMatchObject({ status: 'ok', new: 1, url: server.url('/new.xml') });
      expect(server.requests('/old.xml')).toHaveLength(3);
      expect((await ctx.store.feeds.getByUrl(server.url('/old.xml')))?.id).toBe(feed.id);
      await ctx.store.feeds.syncConfigured([{ url: server.url('/old.xml'), name: 'Andina' }], NOW);
      expect(await ctx.store.feeds.list()).toMatchObject([{ id: feed.id, name: 'Andina', status: 'active', url: server.url('/new.xml') }]);
    });

    it.each([302, 307])('keeps its URL through a temporary %i, however often', async (status) => {
      server.route('/new.xml', { body: story('Cumbre andina') });
      server.route('/old.xml', { status, redirect: server.url('/new.xml') });
      const feed = await addFeed('/old.xml');
      for (let n = 0; n < 4; n++) await poll(feed.id, n);
      expect(await ctx.store.feeds.get(feed.id)).toMatchObject({ url: server.url('/old.xml'), movedTo: null, movedSeen: 0 });
    });

    it('starts counting again when a poll is not redirected, and behind a temporary hop nothing is permanent', async () => {
      server.route('/new.xml', { body: story('Cumbre andina') });
      server.route('/old.xml', { status: 301, redirect: server.url('/new.xml') });
      const feed = await addFeed('/old.xml');
      await poll(feed.id, 0);
      await poll(feed.id, 1);
      server.route('/old.xml', { body: story('Cumbre andina') });
      await poll(feed.id, 2);
      expect(await ctx.store.feeds.get(feed.id)).toMatchObject({ movedTo: null, movedSeen: 0 });

      server.route('/old.xml', { status: 302, redirect: server.url('/hop.xml') });
      server.route('/hop.xml', { status: 301, redirect: server.url('/new.xml') });
      for (let n = 3; n < 6; n++) await poll(feed.id, n);
      expect(await ctx.store.feeds.get(feed.id)).toMatchObject({ url: server.url('/old.xml'), movedTo: null });
    });
  });

  it('records a failing poll in the feed’s health and backs off; a success clears it', async () => {
    server.route('/a.xml', { status: 500 });
    const feed = await addFeed('/a.xml');
    const report = await ingestFeed(ctx, feed, NOW);
    expect(report).toMatchObject({ status: 'error', http: 500, errorKind: 'http' });
    expect(await ctx.store.feeds.get(feed.id)).toMatchObject({
      status: 'active',
      consecutiveErrors: 1,
      lastErrorKind: 'http',
      lastSuccessAt: null,
      nextDueAt: NOW + 30 * MIN,
    });
    await ingestFeed(ctx, (await ctx.store.feeds.get(feed.id))!, NOW + 30 * MIN);
    expect(await ctx.store.feeds.get(feed.id)).toMatchObject({ consecutiveErrors: 2, nextDueAt: NOW + 90 * MIN });

    server.route('/a.xml', { body: rss([{ title: 'Mercosul e União Europeia', guid: 'x', link: 'https://n.example/x' }]) });
    await ingestFeed(ctx, (await ctx.store.feeds.get(feed.id))!, NOW + 90 * MIN);
    expect(await ctx.store.feeds.get(feed.id)).toMatchObject({ status: 'active', consecutiveErrors: 0, lastSuccessAt: NOW + 90 * MIN });
  });

  it('honours Retry-After on 429 for the next poll', async () => {
    server.route('/a.xml', { status: 429, headers: { 'retry-after': '7200' } });
    const feed = await addFeed('/a.xml');
    const report = await ingestFeed(ctx, feed, NOW);
    expect(report).toMatchObject({ status: 'error', http: 429, errorKind: 'rate-limited' });
    expect((await ctx.store.feeds.get(feed.id))?.nextDueAt).toBe(NOW + 120 * MIN);
  });

  it('disables a feed that answers 410 Gone, and no longer polls it', async () => {
    server.route('/gone.xml', { status: 410 });
    const feed = await addFeed('/gone.xml');
    await ingestFeed(ctx, feed, NOW);
    expect(await ctx.store.feeds.get(feed.id)).toMatchObject({ status: 'disabled', lastErrorKind: 'gone' });
    expect(await pollFeeds(ctx, { all: true, now: NOW + 1e9 })).toEqual([]);
  });

  it('marks a feed failing after `failingAfter` consecutive failures, and still polls it daily', async () => {
    ctx = context({ failingAfter: 3 });
    server.route('/a.xml', { status: 404 });
    const feed = await addFeed('/a.xml');
    let at = NOW;
    for (let attempt = 0; attempt < 3; attempt++) {
      await ingestFeed(ctx, (await ctx.store.feeds.get(feed.id))!, at);
      at = (await ctx.store.feeds.get(feed.id))!.nextDueAt;
    }
    const row = (await ctx.store.feeds.get(feed.id))!;
    expect(row).toMatchObject({ status: 'failing', consecutiveErrors: 3, lastErrorKind: 'not-found' });
    expect(row.nextDueAt - (row.lastPolledAt ?? 0)).toBe(24 * 60 * MIN);
    expect((await ctx.store.feeds.due(row.nextDueAt)).map((due) => due.id)).toEqual([feed.id]);
  });

  it.each([
    ['an HTML page', '<!DOCTYPE html><html><head><title>Página</title></head><body><p>Hola</p></body></html>', 'text/html'],
    ['a truncated document', rss([{ title: 'Uno', guid: '1' }]).slice(0, 150), 'application/rss+xml'],
    ['garbage', '\u0000\u0001binary junk ]]> <<<', 'application/octet-stream'],
  ])('records %s as a parse error for that feed, without crashing', async (_case, body, contentType) => {
    server.route('/bad', { body, contentType });
    const feed = await addFeed('/bad');
    const report = await ingestFeed(ctx, feed, NOW);
    expect(report.status).toBe('error');
    expect(['not-a-feed', 'malformed']).toContain(report.errorKind);
    expect(await ctx.store.feeds.get(feed.id)).toMatchObject({ consecutiveErrors: 1, etag: null });
    expect(await ctx.store.items.count()).toBe(0);
  });

  it('stores the same story from two feeds, with different utm tags, once', async () => {
    server.route('/a.xml', {
      body: rss([{ title: 'Lula y Milei en la cumbre', guid: 'a-1', link: 'https://news.example/story?id=7&utm_source=rss&utm_medium=feed' }]),
    });
    server.route('/b.xml', {
      body: rss([{ title: 'Lula y Milei, en la cumbre del Mercosur', guid: 'b-1', link: 'https://NEWS.example/story?utm_campaign=x&id=7#top' }]),
    });
    await addFeed('/a.xml');
    await addFeed('/b.xml');
    const polled = await pollFeeds(ctx, { now: NOW });
    // Feeds are parsed in parallel threads: whichever is stored first has the new item.
    expect(polled.map((r) => [r.new, r.duplicate]).sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(await ctx.store.items.count()).toBe(1);
    const row = ctx.db.prepare('SELECT canonical_url AS url FROM items').get() as { url: string };
    expect(row.url).toBe('https://news.example/story?id=7');
  });

  it('updates an item whose title changed under the same guid', async () => {
    server.route('/a.xml', { body: rss([{ title: 'Maduro anuncia', guid: 'g', link: 'https://n.example/g' }]) });
    const feed = await addFeed('/a.xml');
    await ingestFeed(ctx, feed, NOW);
    server.route('/a.xml', { body: rss([{ title: 'Maduro anuncia elecciones regionales', guid: 'g', link: 'https://n.example/g' }]) });
    const report = await ingestFeed(ctx, (await ctx.store.feeds.get(feed.id))!, NOW + 31 * MIN);
    expect(report).toMatchObject({ new: 0, updated: 1, duplicate: 0 });
  });

  it('polls only due feeds, and all of them with `all`', async () => {
    server.route('/a.xml', { body: rss([{ title: 'A', guid: 'a' }]) });
    server.route('/b.xml', { body: rss([{ title: 'B', guid: 'b' }]) });
    await addFeed('/a.xml');
    await addFeed('/b.xml');
    expect(await pollFeeds(ctx, { now: NOW })).toHaveLength(2);
    expect(await pollFeeds(ctx, { now: NOW + MIN })).toHaveLength(0);
    expect(await pollFeeds(ctx, { now: NOW + MIN, all: true })).toHaveLength(2);
  });

  it('costs only that feed’s poll when storing throws, never the cycle', async () => {
    ctx = context({ allowPrivateAddresses: true });
    server.route('/slow.xml', { body: rss([{ title: 'Lenta', guid: 's' }]), delayMs: 150 });
    server.route('/ok.xml', { body: rss([{ title: 'Rápida', guid: 'r' }]) });
    const { feed: doomed } = await ctx.store.feeds.add({ url: server.url('/slow.xml'), name: 'doomed' }, 'user', NOW);
    await addFeed('/ok.xml', 'ok');
    const cycle = pollFeeds(ctx, { now: NOW });
    // An admin removes the feed while its response is on the way: storing its items must fail.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await ctx.store.feeds.remove(doomed.id);
    const reports = await cycle;
    expect(reports.map((report) => [report.name, report.status, report.errorKind ?? null])).toEqual([
      ['doomed', 'error', 'internal'],
      ['ok', 'ok', null],
    ]);
  });

  it('never has more than perHostConcurrency requests in flight against one host', async () => {
    ctx = context({ concurrency: 8, perHostConcurrency: 2 });
    for (let index = 0; index < 6; index++) {
      server.route(`/slow-${index}.xml`, { body: rss([{ title: `Nota ${index}`, guid: String(index) }]), delayMs: 150 });
      await addFeed(`/slow-${index}.xml`);
    }
    const started = performance.now();
    const reports = await pollFeeds(ctx, { now: NOW });
    const elapsed = performance.now() - started;
    expect(reports.every((report) => report.status === 'ok')).toBe(true);
    // Six 150 ms responses, two at a time: three rounds.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 150 - 20);
  });
});
