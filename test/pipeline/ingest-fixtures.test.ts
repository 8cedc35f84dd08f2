import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFeed } from '../../src/pipeline/ingest-feed.js';
import { fixtureBytes, repoRoot } from '../feeds/fixtures.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { testIngestContext } from '../support/ingest-context.js';

const NOW = Date.UTC(2026, 10, 29, 12);

/** Every fixture served over HTTP the way real servers send it, through the whole ingest path. */
describe('ingesting fixture feeds over HTTP', () => {
  let server: FeedServer;
  let ctx: ReturnType<typeof testIngestContext>;

  beforeAll(async () => {
    server = await startFeedServer();
    ctx = testIngestContext({ timeoutSeconds: 5 });
  });
  afterAll(async () => {
    await ctx.close();
    await server.close();
  });

  async function ingest(route: string, body: Buffer, contentType: string, extra: { encoding?: 'gzip' } = {}) {
    server.route(route, { body, contentType, ...extra });
    const { feed } = await ctx.store.feeds.add({ url: server.url(route), name: route }, 'config', NOW);
    const report = await ingestFeed(ctx, feed, NOW);
    const titles = (ctx.db.prepare('SELECT title FROM items WHERE feed_id = ? ORDER BY id').all(feed.id) as { title: string }[]).map(
      (row) => row.title,
    );
    return { report, titles };
  }

  it.each([
    ['rss2-basic.xml', 'application/rss+xml; charset=utf-8', 3, 'Mercosur y la UE & el acuerdo: “un paso histórico”'],
    ['atom-basic.xml', 'application/atom+xml', 2, 'Brasil e Argentina retomam negociações do Mercosul'],
    ['rdf-rss1.xml', 'application/rdf+xml', 2, 'ALADI publica estadísticas de comercio intrarregional'],
    ['rss091.xml', 'text/xml', 2, 'La integración energética avanza en el Cono Sur'],
    ['windows-1252-accents.xml', 'text/xml', 1, '“Integración” y compañía – São Paulo recibe la cumbre'],
    ['utf8-bom.xml', 'application/xml', 1, 'Integración andina: Perú y Bolivia'],
    ['utf16le-bom.xml', 'application/xml', 1, 'Integração sul-americana: “avanços” em Brasília'],
    ['items-without-guid.xml', 'application/rss+xml', 3, 'Con título y enlace'],
    ['atom-bad-date.xml', 'application/atom+xml', 3, 'Entrada con fecha válida'],
    ['rss-no-version.xml', 'application/rss+xml', 1, 'El Parlasur sesiona en Montevideo'],
  ])('%s is stored with its text intact', async (name, contentType, count, firstTitle) => {
    const { report, titles } = await ingest(`/${name}`, fixtureBytes(name), contentType);
    expect(report).toMatchObject({ status: 'ok', new: count });
    expect(titles[0]).toBe(firstTitle);
  });

  it('decompresses a gzip-encoded feed', async () => {
    const { report } = await ingest('/gzip.xml', fixtureBytes('rss2-basic.xml'), 'application/rss+xml', { encoding: 'gzip' });
    expect(report).toMatchObject({ status: 'ok', http: 200 });
    expect(report.bytes).toBe(gzipSync(fixtureBytes('rss2-basic.xml')).length);
    // The same three stories were stored from the plain copy above: one item each, never two.
    expect(report).toMatchObject({ new: 0, duplicate: 3 });
  });

  it.each([
    ['truncated.xml', 'application/rss+xml', 'malformed'],
    ['html-page.html', 'text/html', 'not-a-feed'],
    ['garbage.bin', 'application/octet-stream', 'not-a-feed'],
  ])('%s is a recorded parse error', async (name, contentType, kind) => {
    const { report, titles } = await ingest(`/${name}`, fixtureBytes(name), contentType);
    expect(report).toMatchObject({ status: 'error', errorKind: kind });
    expect(titles).toEqual([]);
  });

  const snapshots = path.resolve(repoRoot, 'test/fixtures/snapshots');
  it.each(readdirSync(snapshots).filter((file) => file.endsWith('.xml')))('real snapshot %s ingests without mojibake', async (file) => {
    const { report, titles } = await ingest(`/snapshots/${file}`, readFileSync(path.join(snapshots, file)), 'application/xml');
    expect(report.status).toBe('ok');
    expect(report.new + report.duplicate).toBeGreaterThanOrEqual(12);
    expect(titles.filter((title) => /Ã|Â/.test(title))).toEqual([]);
  });
});
