import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUserFeed } from '../../src/pipeline/add-user-feed.js';
import { createFeedParser } from '../../src/pipeline/feed-parser.js';
import { ingestFeed } from '../../src/pipeline/ingest-feed.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { testIngestContext } from '../support/ingest-context.js';
import { rss } from '../support/rss.js';

const NOW = Date.UTC(2026, 10, 29, 12);

/**
 * The "public" server listens on 127.0.0.2, which the config explicitly allows, as a stand-in for
 * the internet; 127.0.0.1 stays forbidden, so every refusal below is the guard at work.
 */
const GUILD = '333333333333333333';
const OTHER_GUILD = '333333333333333334';

describe('adding a feed on a user’s request', () => {
  let publicServer: FeedServer;
  let privateServer: FeedServer;
  let ctx: ReturnType<typeof testIngestContext>;

  beforeEach(async () => {
    publicServer = await startFeedServer({ host: '127.0.0.2' });
    privateServer = await startFeedServer({ host: '127.0.0.1' });
    privateServer.route('/internal.xml', { body: rss([{ title: 'Secreto interno', guid: 's' }]) });
    ctx = testIngestContext({ allowPrivateAddresses: ['127.0.0.2/32'] });
  });
  afterEach(async () => {
    await ctx.close();
    await Promise.all([publicServer.close(), privateServer.close()]);
  });

  it('fetches the URL once, and saves the feed with its items as backlog only when it parses', async () => {
    publicServer.route('/feed.xml', {
      body: rss([{ title: 'Mercosur: nueva cumbre', guid: '1', link: 'https://n.example/1' }], { title: 'Diario Regional' }),
    });
    const outcome = await addUserFeed(ctx, { url: publicServer.url('/feed.xml'), language: 'es', guildId: GUILD }, NOW);
    expect(outcome).toMatchObject({ status: 'added', items: 1, feed: { name: 'Diario Regional', origin: 'user', language: 'es' } });
    expect(publicServer.requests('/feed.xml')).toHaveLength(1);
    expect(ctx.db.prepare('SELECT backlog FROM items').all()).toEqual([{ backlog: 1 }]);
    expect(await addUserFeed(ctx, { url: publicServer.url('/feed.xml'), guildId: GUILD }, NOW)).toMatchObject({ status: 'exists' });
    expect(outcome).toMatchObject({ feed: { guildId: GUILD } });
    // Another server is told only that the address is taken, not whose feed it is or what it is called.
    expect(await addUserFeed(ctx, { url: publicServer.url('/feed.xml'), guildId: OTHER_GUILD }, NOW)).toEqual({ status: 'owned-elsewhere' });
    expect(publicServer.requests('/feed.xml')).toHaveLength(1);
  });

  it('knows a feed already listed in the config file under another spelling of its URL, fetching nothing', async () => {
    publicServer.route('/feed.xml', { body: rss([{ title: 'Mercosur: nueva cumbre', guid: '1' }]) });
    const { feed: listed } = await ctx.store.feeds.add({ url: `${publicServer.url('/feed.xml')}?utm_source=rss`, name: 'Diario' }, 'config', NOW);
    const outcome = await addUserFeed(ctx, { url: `${publicServer.url('/feed.xml')}#latest`, guildId: GUILD }, NOW);
    expect(outcome).toMatchObject({ status: 'exists', feed: { id: listed.id } });
    expect(publicServer.requests()).toHaveLength(0);
  });

  it('refuses a URL that does not parse as a feed, saving nothing', async () => {
    publicServer.route('/page.html', { body: '<!doctype html><html><body>Hola</body></html>', contentType: 'text/html' });
    expect(await addUserFeed(ctx, { url: publicServer.url('/page.html'), guildId: GUILD }, NOW)).toMatchObject({ status: 'not-a-feed' });
    expect(await ctx.store.feeds.list()).toEqual([]);
  });

  it('refuses a feed whose parsing outlasts the CPU budget, saving nothing', async () => {
    const heavy = rss(Array.from({ length: 1000 }, (_, i) => ({ title: `Nota ${i}`, guid: `h${i}`, description: '<p>Mercosur y la CAN</p>'.repeat(200) })));
    publicServer.route('/heavy.xml', { body: heavy });
    const budgeted = testIngestContext({ allowPrivateAddresses: ['127.0.0.2/32'] }, createFeedParser({ budgetMs: 100 }));
    try {
      const outcome = await addUserFeed(budgeted, { url: publicServer.url('/heavy.xml'), guildId: GUILD }, NOW);
      expect(outcome).toMatchObject({ status: 'not-a-feed', message: expect.stringMatching(/longer than 0\.1 s/) });
      expect(await budgeted.store.feeds.list()).toEqual([]);
    } finally {
      await budgeted.close();
    }
  });

  it.each(['ftp://example.org/feed.xml', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url'])('refuses %s as not http(s)', async (url) => {
    expect(await addUserFeed(ctx, { url, guildId: GUILD }, NOW)).toMatchObject({ status: 'invalid-url' });
  });

  it.each([
    ['a loopback IPv4 literal', (port: number) => `http://127.0.0.1:${port}/internal.xml`],
    ['an IPv6 loopback literal', (port: number) => `http://[::1]:${port}/internal.xml`],
    ['an IPv4-mapped IPv6 literal', (port: number) => `http://[::ffff:127.0.0.1]:${port}/internal.xml`],
    ['a hostname that resolves to a private address', (port: number) => `http://localhost:${port}/internal.xml`],
    ['an IPv4-translated IPv6 literal', (port: number) => `http://[::ffff:0:127.0.0.1]:${port}/internal.xml`],
    ['a loopback name with a trailing dot', (port: number) => `http://LOCALHOST.:${port}/internal.xml`],
    ['a subdomain of localhost', (port: number) => `http://feeds.localhost:${port}/internal.xml`],
  ])('refuses %s without reaching it', async (_case, url) => {
    const outcome = await addUserFeed(ctx, { url: url(privateServer.port), guildId: GUILD }, NOW);
    expect(outcome).toMatchObject({ status: 'refused' });
    expect(privateServer.requests()).toHaveLength(0);
    expect(await ctx.store.feeds.list()).toEqual([]);
  });

  it('refuses loopback names by name, even where their addresses are allowed', async () => {
    const allowing = testIngestContext({ allowPrivateAddresses: ['127.0.0.0/8'] });
    try {
      for (const host of ['localhost', 'LOCALHOST.']) {
        const outcome = await addUserFeed(allowing, { url: `http://${host}:${privateServer.port}/internal.xml`, guildId: GUILD }, NOW);
        expect(outcome).toMatchObject({ status: 'refused' });
      }
      expect(privateServer.requests()).toHaveLength(0);
    } finally {
      await allowing.close();
    }
  });

  it('refuses a public-looking URL that redirects to a private one', async () => {
    publicServer.route('/redirect.xml', { status: 302, redirect: privateServer.url('/internal.xml') });
    expect(await addUserFeed(ctx, { url: publicServer.url('/redirect.xml'), guildId: GUILD }, NOW)).toMatchObject({ status: 'refused' });
    expect(privateServer.requests()).toHaveLength(0);
  });

  it('keeps guarding every later poll of a user feed, not only the first', async () => {
    publicServer.route('/feed.xml', { body: rss([{ title: 'Primera', guid: '1' }]) });
    const outcome = await addUserFeed(ctx, { url: publicServer.url('/feed.xml'), guildId: GUILD }, NOW);
    if (outcome.status !== 'added') throw new Error(`expected added, got ${outcome.status}`);
    publicServer.route('/feed.xml', { status: 301, redirect: privateServer.url('/internal.xml') });
    const report = await ingestFeed(ctx, outcome.feed, NOW + 3_600_000);
    expect(report).toMatchObject({ status: 'error', errorKind: 'blocked-address' });
    expect(privateServer.requests()).toHaveLength(0);
  });
});

describe('two admins adding the same feed at once', () => {
  it('saves it once and tells the second that it exists', async () => {
    const server = await startFeedServer({ host: '127.0.0.2' });
    const ctx = testIngestContext({ allowPrivateAddresses: ['127.0.0.2/32'] });
    try {
      server.route('/feed.xml', { body: rss([{ title: 'Una', guid: '1' }]), delayMs: 50 });
      const url = server.url('/feed.xml');
      const outcomes = await Promise.all([addUserFeed(ctx, { url, guildId: GUILD }, NOW), addUserFeed(ctx, { url, guildId: GUILD }, NOW)]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['added', 'exists']);
      expect(await ctx.store.feeds.list()).toHaveLength(1);
    } finally {
      await ctx.close();
      await server.close();
    }
  });
});
