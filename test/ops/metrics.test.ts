import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/create-classifier.js';
import { llmSchema } from '../../src/config/config-schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { createDiscordState } from '../../src/ops/discord-state.js';
import { startHealthServer, type HealthServer } from '../../src/ops/health-server.js';
import { createMetrics, type Metrics } from '../../src/ops/metrics.js';
import { classifyNewItems } from '../../src/pipeline/classify-new-items.js';
import { ingestFeed } from '../../src/pipeline/ingest-feed.js';
import { startFeedServer, type FeedServer } from '../peers/feed-server.js';
import { startOpenAIServer, type FakeOpenAIServer } from '../peers/openai-server.js';
import { testIngestContext } from '../support/ingest-context.js';
import { rss } from '../support/rss.js';

const NOW = Date.UTC(2026, 10, 29, 12);

describe('metrics: a real ingest, classification and LLM call, read back from /metrics', () => {
  let feeds: FeedServer;
  let llm: FakeOpenAIServer;
  let ctx: ReturnType<typeof testIngestContext> & { metrics: Metrics };
  let health: HealthServer;

  const scrape = async () => {
    const response = await fetch(`${health.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  beforeEach(async () => {
    [feeds, llm] = await Promise.all([startFeedServer(), startOpenAIServer()]);
    ctx = { ...testIngestContext(), metrics: createMetrics() };
    const started = await startHealthServer({
      ...ctx,
      config: { health: { port: 0, host: '127.0.0.1' }, digests: [] },
      discordState: createDiscordState(),
    });
    health = started!;
  });
  afterEach(async () => {
    await health.close();
    await ctx.close();
    await Promise.all([feeds.close(), llm.close()]);
  });

  it('counts polls by status, errors by kind, items by outcome, and the last success', async () => {
    feeds.route('/mercosur.xml', {
      body: rss([
        { title: 'Cumbre del Mercosur en Montevideo', guid: 'm1', link: 'https://n.example/m1' },
        { title: 'La CELAC se reúne en Bogotá', guid: 'm2', link: 'https://n.example/m2' },
      ]),
      etag: '"v1"',
    });
    feeds.route('/copy.xml', { body: rss([{ title: 'Cumbre del Mercosur en Montevideo', guid: 'c1', link: 'https://n.example/m1' }]) });
    feeds.route('/broken.xml', { status: 500 });
    feeds.route('/page.html', { body: '<!DOCTYPE html><html><body>not a feed</body></html>', contentType: 'text/html' });
    const add = async (path: string) => (await ctx.store.feeds.add({ url: feeds.url(path), name: path }, 'config', NOW)).feed;
    const mercosur = await add('/mercosur.xml');
    for (const feed of [mercosur, await add('/copy.xml'), await add('/broken.xml'), await add('/page.html')]) await ingestFeed(ctx, feed, NOW);
    await ingestFeed(ctx, (await ctx.store.feeds.get(mercosur.id))!, NOW + 60_000);

    const text = await scrape();
    expect(text).toContain('sancocho_feeds_polled_total{status="ok"} 2');
    expect(text).toContain('sancocho_feeds_polled_total{status="not-modified"} 1');
    expect(text).toContain('sancocho_feeds_polled_total{status="error"} 2');
    expect(text).toContain('sancocho_feed_errors_total{kind="http"} 1');
    expect(text).toContain('sancocho_feed_errors_total{kind="not-a-feed"} 1');
    expect(text).toContain('sancocho_items_total{outcome="new"} 2');
    expect(text).toContain('sancocho_items_total{outcome="duplicate"} 1');
    expect(text).toContain('sancocho_items_total{outcome="updated"} 0');
    expect(text).toContain(`sancocho_last_successful_poll_timestamp_seconds ${(NOW + 60_000) / 1000}`);
    // Node's own process metrics come with the listener.
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('counts classifications by source and the LLM tokens the ledger records', async () => {
    feeds.route('/a.xml', {
      body: rss([
        { title: 'Cumbre del Mercosur debate el arancel externo común', guid: '1', link: 'https://n.example/1' },
        { title: 'China financia un puerto en Perú', guid: '2', link: 'https://n.example/2' },
        { title: 'El clima del fin de semana: lluvias en la costa', guid: '3', link: 'https://n.example/3' },
      ]),
    });
    // A feed polled before: its new items are news, not backlog (which is never sent to the LLM).
    const { feed } = await ctx.store.feeds.add({ url: feeds.url('/a.xml'), name: 'a', language: 'es' }, 'config', NOW);
    await ctx.store.feeds.recordPoll(feed.id, { kind: 'not-modified', at: NOW - 60_000, etag: null, lastModified: null, nextDueAt: NOW });
    await ingestFeed(ctx, (await ctx.store.feeds.get(feed.id))!, NOW);
    const classifier = createClassifier({
      llm: llmSchema.parse({ baseURL: llm.baseURL, model: 'test-model' }),
      ledger: ctx.store.classifications,
      logger: silentLogger(),
      metrics: ctx.metrics,
    });
    const report = await classifyNewItems({ ...ctx, classifier });
    expect(report.classified).toBe(3);
    expect(llm.requests.length).toBeGreaterThan(0);

    const text = await scrape();
    expect(text).toContain(`sancocho_classifications_total{source="llm"} ${report.bySource.llm}`);
    expect(text).toContain(`sancocho_classifications_total{source="offline"} ${report.bySource.offline}`);
    const usage = ctx.db.prepare('SELECT SUM(prompt_tokens) AS prompt, SUM(completion_tokens) AS completion FROM llm_usage').get() as {
      prompt: number;
      completion: number;
    };
    expect(usage.prompt).toBeGreaterThan(100);
    expect(text).toContain(`sancocho_llm_tokens_total{model="test-model",kind="prompt"} ${usage.prompt}`);
    expect(text).toContain(`sancocho_llm_tokens_total{model="test-model",kind="completion"} ${usage.completion}`);
  });

  it('exposes digest parts and command latency through a tiny API', async () => {
    ctx.metrics.digestPartSent('channel');
    ctx.metrics.digestPartSent('channel');
    ctx.metrics.digestPartFailed('webhook', 'retry');
    ctx.metrics.observeCommand('buscar', 0.2);
    ctx.metrics.observeCommand('buscar', 3, 'error');

    const text = await scrape();
    expect(text).toContain('sancocho_digest_parts_sent_total{destination="channel"} 2');
    expect(text).toContain('sancocho_digest_parts_failed_total{destination="webhook",kind="retry"} 1');
    expect(text).toContain('sancocho_command_duration_seconds_bucket{le="0.25",command="buscar",outcome="ok"} 1');
    expect(text).toContain('sancocho_command_duration_seconds_count{command="buscar",outcome="error"} 1');
  });

  it('keeps each registry separate', async () => {
    const other = createMetrics();
    other.digestPartSent('preview');
    expect(await other.registry.metrics()).toContain('sancocho_digest_parts_sent_total{destination="preview"} 1');
    expect(await scrape()).not.toContain('destination="preview"');
  });
});
