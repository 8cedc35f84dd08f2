import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USER_ID, MANAGER_PERMISSIONS, MEMBER_PERMISSIONS } from '../../peers/fake-discord.js';
import { startFeedServer, type FeedServer } from '../../peers/feed-server.js';
import { ingestFeed } from '../../../src/pipeline/ingest-feed.js';
import { rss } from '../../support/rss.js';
import { startHarness, type Harness } from './harness.js';

const admin = { userId: ADMIN_USER_ID, permissions: MANAGER_PERMISSIONS };
const REFUSED = 'That address is not allowed: feeds must be on the public internet (not on this machine, a private network or a cloud metadata address).';

/**
 * The "public" feed server listens on 127.0.0.2, which the test config explicitly allows, as a
 * stand-in for the internet; 127.0.0.1 stays forbidden, so every refusal below is the SSRF guard.
 * 10.0.0.1 and 169.254.169.254 are IP literals: the guard refuses them in the connect step, before
 * any socket is opened, so no packet leaves the machine.
 */
describe('/feeds through the fake Discord', () => {
  let h: Harness;
  let publicServer: FeedServer;
  let privateServer: FeedServer;

  beforeAll(async () => {
    [publicServer, privateServer] = await Promise.all([startFeedServer({ host: '127.0.0.2' }), startFeedServer({ host: '127.0.0.1' })]);
    privateServer.route('/internal.xml', { body: rss([{ title: 'Secreto interno', guid: 's' }]) });
    h = await startHarness({ feeds: [{ url: 'http://127.0.0.1:9/config.xml', name: 'Config *Feed*', language: 'es' }] });
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([publicServer?.close(), privateServer?.close()]);
  });

  it('/feeds add (Manage Server): fetches once, must parse, stores the items as backlog, and the feed persists', async () => {
    publicServer.route('/regional.xml', {
      body: rss(
        [
          { title: 'Mercosur: nueva cumbre', guid: '1', link: 'https://n.example/1' },
          { title: 'CELAC: declaración final', guid: '2', link: 'https://n.example/2' },
        ],
        { title: 'Diario Regional' },
      ),
    });
    const answer = await h.run('feeds', { subcommand: 'add', options: { url: publicServer.url('/regional.xml'), language: 'es' }, ...admin });
    expect(answer.record.callbacks).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(answer.ephemeral).toBe(true);
    expect(answer.body.content).toBe(
      'Added **Diario Regional** (127.0.0.2:' +
        `${publicServer.port}). Its 2 current items were stored as backlog, so they will not flood the digests; ` +
        'from now on it is polled about every 30 minutes and its new items go into the digests.',
    );
    expect(publicServer.requests('/regional.xml')).toHaveLength(1);
    const feed = await h.ctx.store.feeds.getByUrl(publicServer.url('/regional.xml'));
    expect(feed).toMatchObject({ name: 'Diario Regional', origin: 'user', language: 'es', status: 'active' });
    expect(h.sqlite().prepare('SELECT COUNT(*) AS n, SUM(backlog) AS b FROM items WHERE feed_id = ?').get(feed?.id)).toEqual({ n: 2, b: 2 });

    const again = await h.run('feeds', { subcommand: 'add', options: { url: publicServer.url('/regional.xml') }, ...admin });
    expect(again.body.content).toBe('That feed is already there: **Diario Regional** (active).');
    expect(publicServer.requests('/regional.xml')).toHaveLength(1);

    const list = await h.run('feeds', { subcommand: 'list' });
    expect(list.ephemeral).toBe(true);
    expect(list.body.embeds[0].title).toBe('Feeds (2)');
    expect(list.body.embeds[0].description.split('\n')).toEqual([
      '**Config \\*Feed\\*** · 127.0.0.1:9 · es · config file · active · 0 items',
      `**Diario Regional** · 127.0.0.2:${publicServer.port} · es · added from Discord · active · 2 items`,
    ]);
  });

  it('names the feed as asked', async () => {
    publicServer.route('/named.xml', { body: rss([{ title: 'Uno', guid: '1' }], { title: 'Título del feed' }) });
    const answer = await h.run('feeds', { subcommand: 'add', options: { url: publicServer.url('/named.xml'), name: '  Mi   feed  ' }, ...admin });
    expect(answer.body.content).toMatch(/^Added \*\*Mi feed\*\* /);
    expect((await h.ctx.store.feeds.getByUrl(publicServer.url('/named.xml')))?.name).toBe('Mi feed');
  });

  it.each([
    ['127.0.0.1 (loopback)', () => `http://127.0.0.1:${privateServer.port}/internal.xml`],
    ['10.0.0.1 (private network)', () => 'http://10.0.0.1/feed.xml'],
    ['169.254.169.254 (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/'],
    ['[::1] (IPv6 loopback)', () => `http://[::1]:${privateServer.port}/internal.xml`],
    ['[::ffff:127.0.0.1] (IPv4-mapped IPv6)', () => `http://[::ffff:127.0.0.1]:${privateServer.port}/internal.xml`],
    ['a hostname that resolves to a private address', () => `http://localhost:${privateServer.port}/internal.xml`],
    ['a public-looking URL that redirects to a private one', () => {
      publicServer.route('/moved.xml', { status: 302, redirect: privateServer.url('/internal.xml') });
      return publicServer.url('/moved.xml');
    }],
  ])('refuses %s and saves nothing', async (_case, url) => {
    const before = (await h.ctx.store.feeds.list()).length;
    const answer = await h.run('feeds', { subcommand: 'add', options: { url: url() }, ...admin });
    expect(answer).toMatchObject({ callbackType: 5, ephemeral: true, body: { content: REFUSED } });
    expect(privateServer.requests()).toHaveLength(0);
    expect(await h.ctx.store.feeds.list()).toHaveLength(before);
  });

  it.each([
    ['ftp://example.org/feed.xml', 'Give the feed’s full address, starting with http:// or https:// (other kinds of links cannot be polled).'],
    ['file:///etc/passwd', 'Give the feed’s full address, starting with http:// or https:// (other kinds of links cannot be polled).'],
    ['not a url', 'Give the feed’s full address, starting with http:// or https:// (other kinds of links cannot be polled).'],
  ])('refuses %s at the edge, without fetching', async (url, message) => {
    const answer = await h.run('feeds', { subcommand: 'add', options: { url }, ...admin });
    expect(answer).toMatchObject({ callbackType: 4, ephemeral: true, body: { content: message } });
  });

  it('explains an address that is not a feed, or does not answer', async () => {
    publicServer.route('/page.html', { body: '<!doctype html><html><body>Hola</body></html>', contentType: 'text/html' });
    const page = await h.run('feeds', { subcommand: 'add', options: { url: publicServer.url('/page.html') }, ...admin });
    expect(page.body.content).toMatch(/^That address did not return an RSS or Atom feed \(.+\)\. Use the feed’s own address, which often ends in \/feed, \/rss or \.xml\.$/);
    const missing = await h.run('feeds', { subcommand: 'add', options: { url: publicServer.url('/missing.xml') }, ...admin });
    expect(missing.body.content).toMatch(/^Could not fetch that address: .*404.* Check the URL and try again\.$/);
    expect(await h.ctx.store.feeds.getByUrl(publicServer.url('/page.html'))).toBeUndefined();
  });

  it('refuses /feeds add and /feeds remove to a member without Manage Server, fetching nothing', async () => {
    publicServer.route('/member.xml', { body: rss([{ title: 'Uno', guid: '1' }]) });
    const add = await h.run('feeds', { subcommand: 'add', options: { url: publicServer.url('/member.xml') }, permissions: MEMBER_PERMISSIONS });
    expect(add).toMatchObject({ callbackType: 4, ephemeral: true, body: { content: 'You need the Manage Server permission to use /feeds add.' } });
    expect(publicServer.requests('/member.xml')).toHaveLength(0);
    const remove = await h.run('feeds', { subcommand: 'remove', options: { feed: '1' } });
    expect(remove.body.content).toBe('You need the Manage Server permission to use /feeds remove.');
    expect((await h.ctx.store.feeds.get(1))?.status).toBe('active');
    const suggestions = await h.fake.answer(h.fake.autocomplete('feeds', { subcommand: 'remove', options: { feed: '' }, focused: 'feed' }));
    expect(suggestions.body.choices).toEqual([]);
    expect(h.logs().some((line) => line.msg === 'interaction-handler: /feeds add refused: no Manage Server permission')).toBe(true);
  });

  it('/feeds remove finds a feed that moved (a permanent redirect) by the address it was added with', async () => {
    publicServer.route('/mudanza.xml', { body: rss([{ title: 'Nueva casa', guid: '1' }], { title: 'Diario Mudado' }) });
    await h.run('feeds', { subcommand: 'add', options: { url: publicServer.url('/mudanza.xml') }, ...admin });
    const added = (await h.ctx.store.feeds.getByUrl(publicServer.url('/mudanza.xml')))!;
    publicServer.route('/nueva.xml', { body: rss([{ title: 'Nueva casa', guid: '1' }], { title: 'Diario Mudado' }) });
    publicServer.route('/mudanza.xml', { status: 301, redirect: publicServer.url('/nueva.xml') });
    for (let poll = 1; poll <= 3; poll++) await ingestFeed(h.ctx, (await h.ctx.store.feeds.get(added.id))!, Date.now() + poll * 3_600_000);
    expect(await h.ctx.store.feeds.get(added.id)).toMatchObject({ url: publicServer.url('/nueva.xml') });

    const removed = await h.run('feeds', { subcommand: 'remove', options: { feed: publicServer.url('/mudanza.xml') }, ...admin });
    expect(removed.body.content).toBe('Removed **Diario Mudado** and its stored items.');
  });

  it('/feeds remove: autocompletes the feeds it may remove, deletes a user feed, leaves a config feed to the config file', async () => {
    publicServer.route('/temporal.xml', { body: rss([{ title: 'Efímero', guid: '1' }], { title: 'Diario Temporal' }) });
    await h.run('feeds', { subcommand: 'add', options: { url: publicServer.url('/temporal.xml') }, ...admin });
    const suggestions = await h.fake.answer(h.fake.autocomplete('feeds', { subcommand: 'remove', options: { feed: 'tempo' }, focused: 'feed', ...admin }));
    const feed = await h.ctx.store.feeds.getByUrl(publicServer.url('/temporal.xml'));
    expect(suggestions.body.choices).toEqual([{ name: `Diario Temporal — 127.0.0.2:${publicServer.port}`, value: String(feed?.id) }]);

    const removed = await h.run('feeds', { subcommand: 'remove', options: { feed: String(feed?.id) }, ...admin });
    expect(removed.body.content).toBe('Removed **Diario Temporal** and its stored items.');
    expect(await h.ctx.store.feeds.getByUrl(publicServer.url('/temporal.xml'))).toBeUndefined();

    const configChoices = await h.fake.answer(h.fake.autocomplete('feeds', { subcommand: 'remove', options: { feed: 'config' }, focused: 'feed', ...admin }));
    expect(configChoices.body.choices).toEqual([]);
    const config = await h.run('feeds', { subcommand: 'remove', options: { feed: 'config *feed*' }, ...admin });
    expect(config.body.content).toBe(
      '**Config \\*Feed\\*** comes from the config file, so it is read-only here: whoever runs Sancocho can remove it from that file.',
    );
    expect((await h.ctx.store.feeds.getByUrl('http://127.0.0.1:9/config.xml'))?.status).toBe('active');

    const unknown = await h.run('feeds', { subcommand: 'remove', options: { feed: 'nada que ver' }, ...admin });
    expect(unknown.body.content).toBe('No feed matches that. Pick the feed from the list as you type.');
  });

  it('/feeds status: trouble first, with the last success and error, for everyone', async () => {
    publicServer.route('/failing.xml', { body: rss([{ title: 'Uno', guid: '1' }], { title: 'Diario Caído' }) });
    await h.run('feeds', { subcommand: 'add', options: { url: publicServer.url('/failing.xml') }, ...admin });
    const failing = await h.ctx.store.feeds.getByUrl(publicServer.url('/failing.xml'));
    await h.ctx.store.feeds.recordPoll(failing?.id ?? 0, {
      kind: 'error',
      at: Date.now(),
      http: 500,
      errorKind: 'http',
      message: 'The server answered 500 Internal Server Error.',
      nextDueAt: Date.now() + 3_600_000,
      status: 'failing',
    });
    const answer = await h.run('feeds', { subcommand: 'status' });
    expect(answer.ephemeral).toBe(true);
    const lines: string[] = answer.body.embeds[0].description.split('\n');
    expect(lines[0]).toMatch(/^\d+ feeds: \d+ active \(0 with recent errors\), 1 failing, 0 disabled\.$/);
    const trouble = lines.slice(2);
    expect(trouble[0]).toMatch(
      /^🔴 \*\*Diario Caído\*\* \(failing\) · last success <t:\d+:R> · 1 error in a row · http: The server answered 500 Internal Server Error\.$/,
    );
    expect(trouble.slice(1).every((line) => line.startsWith('🟢 '))).toBe(true);
  });

  it('never shows the password of a feed URL: not in answers, not in /feeds status, not to autocomplete', async () => {
    const secret = (route: string) => publicServer.url(route).replace('http://', 'http://lector:s3cr3t@');
    const missing = await h.run('feeds', { subcommand: 'add', options: { url: secret('/cerrado.xml') }, ...admin });
    expect(missing.body.content).toMatch(/^Could not fetch that address: http:\/\/lector:\\\*\\\*\\\*@127\.0\.0\.2:\d+\/cerrado\.xml was not found \(HTTP 404\)\./);

    publicServer.route('/privado.xml', { body: rss([{ title: 'Uno', guid: '1' }], { title: 'Boletín Privado' }) });
    const added = await h.run('feeds', { subcommand: 'add', options: { url: secret('/privado.xml') }, ...admin });
    expect(added.body.content).toMatch(/^Added \*\*Boletín Privado\*\* \(127\.0\.0\.2:\d+\)/);
    expect(publicServer.requests('/privado.xml')[0]?.headers.authorization).toBe(`Basic ${Buffer.from('lector:s3cr3t').toString('base64')}`);
    const feed = await h.ctx.store.feeds.getByUrl(secret('/privado.xml'));
    await h.ctx.store.feeds.recordPoll(feed?.id ?? 0, {
      kind: 'error',
      at: Date.now(),
      http: 500,
      errorKind: 'http',
      message: `${secret('/privado.xml')} answered HTTP 500.`,
      nextDueAt: Date.now() + 3_600_000,
      status: 'active',
    });
    const status = await h.run('feeds', { subcommand: 'status' });
    expect(status.body.embeds[0].description).toContain('Boletín Privado');
    expect(status.body.embeds[0].description).toContain('lector:\\*\\*\\*@127.0.0.2');
    const suggestions = await h.fake.answer(h.fake.autocomplete('feeds', { subcommand: 'remove', options: { feed: 's3cr3t' }, focused: 'feed', ...admin }));
    expect(suggestions.body.choices).toEqual([]);
    for (const answer of [missing, added, status, suggestions]) expect(JSON.stringify(answer.body)).not.toContain('s3cr3t');
  });
});
