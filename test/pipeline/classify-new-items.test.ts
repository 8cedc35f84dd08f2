import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/create-classifier.js';
import type { ItemClassifier } from '../../src/classify/item-classifier.js';
import { createLlmClassifier, type LlmClassifier } from '../../src/classify/llm-classifier.js';
import { loadClassifyPrompt } from '../../src/classify/llm-prompt.js';
import { createOfflineClassifier } from '../../src/classify/offline-classifier.js';
import { loadThemes } from '../../src/classify/themes-config.js';
import { llmSchema } from '../../src/config/config-schema.js';
import { silentLogger } from '../../src/core/logger.js';
import type { NormalizedItem } from '../../src/core/types.js';
import { classifyNewItems } from '../../src/pipeline/classify-new-items.js';
import { createSqliteClassificationStore, type SqliteClassificationStore as ClassificationStore } from '../../src/store/sqlite/classification-store.js';
import { withDedupeKeys } from '../../src/pipeline/dedupe-keys.js';
import type { Store } from '../../src/store-context.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { clusterStories } from '../../src/digest/cluster-stories.js';
import { loadDigestItems } from '../../src/digest/load-digest-items.js';
import { uncertainItemPairs } from '../../src/digest/merge-candidates.js';
import { apiError, askedPairs, completion, fencedItems, keywordResponder, startOpenAIServer, type FakeOpenAIServer, type FakeResponse } from '../peers/openai-server.js';

const themes = loadThemes();
const T0 = Date.UTC(2026, 10, 28, 12);
const HOUR = 60 * 60 * 1000;

function entry(guid: string, title: string, summary = ''): NormalizedItem {
  return {
    guid,
    url: null,
    canonicalUrl: null,
    title,
    titleKey: title.toLowerCase(),
    summary,
    language: 'es',
    publishedAt: T0 - HOUR,
    dated: true,
    source: null,
    contentHash: `hash:${title}|${summary}`,
  };
}

const NEWS = [
  entry('1', 'Cumbre del Mercosur en Montevideo debate el arancel externo común'),
  entry('2', 'China financia un puerto en Perú y amplía su presencia en América Latina'),
  entry('3', 'Receta de pastel de manzana con canela', 'Cómo hornear un pastel esponjoso'),
];

describe('classify new items', () => {
  let db: Database;
  let sqlite: Store;
  let classifications: ClassificationStore;
  let server: FakeOpenAIServer;
  let feedId: number;
  const store = (list: NormalizedItem[]) => sqlite.items.saveFeedItems(feedId, withDedupeKeys(feedId, list), { fetchedAt: T0, backlog: false });
  const llmClassifier = (overrides: { maxRetries?: number; timeoutSeconds?: number; dailyTokenBudget?: number } = {}, now = () => T0): ItemClassifier =>
    createLlmClassifier({
      config: llmSchema.parse({ baseURL: server.baseURL, model: 'test-model', ...overrides }),
      now,
      apiKey: 'sk-local',
      prompt: loadClassifyPrompt(themes.themes),
      offline: createOfflineClassifier(themes),
      ledger: classifications,
      logger: silentLogger(),
      backoff: { baseMs: 1, maxMs: 2 },
    });
  const run = (classifier: ItemClassifier, options = {}) =>
    classifyNewItems({ store: { classifications }, classifier, logger: silentLogger() }, { now: () => T0, ...options });
  const idOf = (guid: string) => (db.prepare('SELECT id FROM items WHERE guid = ?').get(guid) as { id: number }).id;

  beforeEach(async () => {
    db = openDatabase(':memory:');
    sqlite = createSqliteStore(db);
    classifications = createSqliteClassificationStore(db);
    feedId = (await sqlite.feeds.add({ url: 'https://a.example/rss', name: 'A' }, 'config', 0)).feed.id;
    server = await startOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
    db.close();
  });

  it('classifies stored items offline when no LLM is configured, once', async () => {
    await store(NEWS);
    const offline = createClassifier({ llm: undefined, ledger: classifications, logger: silentLogger(), themes });

    expect(await run(offline)).toEqual({ classified: 3, bySource: { offline: 3, llm: 0 }, failed: 0, relabelled: 0 });
    expect(await classifications.get(idOf('1'))).toMatchObject({
      source: 'offline',
      model: null,
      promptVersion: null,
      reason: null,
      contentHash: NEWS[0]?.contentHash,
      classifiedAt: T0,
    });
    expect((await classifications.get(idOf('1')))?.themes).toContain('regional-integration');
    expect(await run(offline)).toEqual({ classified: 0, bySource: { offline: 0, llm: 0 }, failed: 0, relabelled: 0 });
  });

  it('stores each on-topic item\'s offline lens reading with its labels, and none for an off-topic one', async () => {
    await store([entry('4', 'Mercosur y la UE firman el acuerdo comercial en Asunción'), NEWS[2] as NormalizedItem]);
    await run(createClassifier({ llm: undefined, ledger: classifications, logger: silentLogger(), themes }));
    const readings = await classifications.lensReadings([idOf('4'), idOf('3')]);
    expect([...readings.keys()]).toEqual([idOf('4')]);
    expect(readings.get(idOf('4'))).toMatchObject({ direction: 'advancing', actors: ['mercosur', 'PY'], source: 'offline', quote: null, importance: null, readAt: T0 });
  });

  it('stores the LLM\'s lens reading from the same call, its direction grounded by a quote and its importance by a fact of the item', async () => {
    await store([entry('4', 'Argentina amenaza con salir del Mercosur', 'Milei dice que el bloque es una cárcel'), entry('5', 'Cumbre del Mercosur en Montevideo')]);
    server.setDefault((request) => {
      const [first, second] = fencedItems(request);
      const items = [
        {
          id: first?.ref,
          themes: [{ theme: 'regional-integration', quote: 'salir del Mercosur' }],
          direction: 'reversing',
          direction_quote: 'amenaza con salir del Mercosur',
          obstacles: ['ideological-instrumentalization'],
          actors: ['Mercosur', 'ar', 'Atlantis'],
          importance: { score: 0.9, fact: 'Argentina threatens to leave Mercosur' },
        },
        {
          id: second?.ref,
          themes: [{ theme: 'regional-integration', quote: 'Cumbre del Mercosur' }],
          direction: 'advancing',
          direction_quote: 'firman un tratado histórico',
          obstacles: [],
          actors: ['mercosur', 'UY'],
          importance: { score: 0.95, fact: 'Los presidentes firman un tratado histórico en Montevideo' },
        },
      ];
      return completion(request, JSON.stringify({ items }));
    });
    const classifier = createClassifier({ llm: llmSchema.parse({ baseURL: server.baseURL, model: 'test-model' }), ledger: classifications, logger: silentLogger(), themes, apiKey: 'sk-local' });
    await run(classifier);
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify(server.requests[0]?.body.response_format)).toContain('"direction_quote"');
    const readings = await classifications.lensReadings([idOf('4'), idOf('5')]);
    // Grounded: the model's reading; "Atlantis" is no actor, and the fact's key words are the item's (Argentina, Mercosur… in English).
    expect(readings.get(idOf('4'))).toMatchObject({
      direction: 'reversing',
      obstacles: ['ideological-instrumentalization'],
      actors: ['mercosur', 'AR'],
      source: 'llm',
      quote: 'amenaza con salir del Mercosur',
      evidence: ['reversing: "amenaza con salir del Mercosur" (llm)'],
    });
    // Its quote is not in the item: the offline lens reads it instead, and the invented fact is dropped too.
    expect(readings.get(idOf('5'))).toMatchObject({ source: 'offline', quote: null, importance: null });
    expect((classifier as LlmClassifier).lensFallbacks).toBe(1);
  });

  it('stores LLM labels with model and prompt version, findable by theme', async () => {
    await store(NEWS);
    const report = await run(llmClassifier());

    expect(report).toEqual({ classified: 3, bySource: { offline: 1, llm: 2 }, failed: 0, relabelled: 0 });
    expect(server.requests).toHaveLength(1);
    expect(await classifications.get(idOf('2'))).toMatchObject({
      source: 'llm',
      model: 'test-model',
      promptVersion: loadClassifyPrompt(themes.themes).version,
      themes: ['china-latam'],
      scores: { 'china-latam': 1, 'us-policy': 0 },
    });
    expect(await classifications.get(idOf('3'))).toMatchObject({ source: 'offline', reason: 'no regional signal', themes: [] });
    expect(await classifications.itemsWithTheme('china-latam', { from: T0 - 2 * HOUR, to: T0 + 1 })).toEqual([idOf('2')]);
    expect(await classifications.usageSince(0)).toHaveLength(1);
  });

  it('keeps going when the LLM is down: items get offline labels with the reason, nothing stays pending', async () => {
    server.setDefault(() => apiError(502, 'Bad gateway'));
    await store(NEWS);
    const report = await run(llmClassifier({ maxRetries: 1 }));

    expect(report).toEqual({ classified: 3, bySource: { offline: 3, llm: 0 }, failed: 0, relabelled: 0 });
    expect(await classifications.get(idOf('1'))).toMatchObject({
      source: 'offline',
      reason: 'llm unavailable: http 502 after 2 attempts',
    });
    expect(await classifications.pending({ limit: 10 })).toEqual([]);
  });

  it('finishes while the LLM is stalled: new items get offline labels, recorded as awaiting the LLM', async () => {
    server.setDefault(() => ({ stallBodyMs: 10_000, body: {} }));
    await store(NEWS);
    const started = Date.now();
    const report = await run(llmClassifier({ timeoutSeconds: 0.3, maxRetries: 0 }));

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(report).toMatchObject({ classified: 3, bySource: { offline: 3, llm: 0 }, failed: 0 });
    expect(await classifications.get(idOf('1'))).toMatchObject({ source: 'offline', reason: 'llm unavailable: timeout after 1 attempts', awaitingLlm: true });
    // Off-topic items were never going to the LLM: nothing to ask later.
    expect(await classifications.get(idOf('3'))).toMatchObject({ source: 'offline', reason: 'no regional signal', awaitingLlm: false });
  });

  it('asks the LLM later for items labelled offline for want of budget or server, oldest first, within the budget, keeping their time', async () => {
    const day = 24 * HOUR;
    await store(NEWS);
    await store([entry('4', 'Lula y Petro defienden la integración de la Celac'), entry('5', 'El Mercosur negocia con China un acuerdo comercial')]);
    let now = T0;
    const usage = { model: 'test-model', promptTokens: 900, completionTokens: 100, totalTokens: 1000, items: 20, mode: 'json_schema' };
    await classifications.recordUsage({ ...usage, at: T0 });
    const classifier = llmClassifier({ dailyTokenBudget: 1000, maxRetries: 0 }, () => now);
    const ctx = { store: { classifications }, classifier, logger: silentLogger() };
    expect(await classifyNewItems(ctx, { now: () => now })).toMatchObject({ bySource: { offline: 5, llm: 0 }, relabelled: 0 });
    expect(await classifications.get(idOf('1'))).toMatchObject({ reason: 'daily token budget exhausted', awaitingLlm: true });
    expect(server.requests).toHaveLength(0);

    // The next day: budget for one request of two items, asked oldest first.
    now = T0 + day;
    server.setDefault((request) => {
      const response = keywordResponder()(request) as FakeResponse;
      (response.body as { usage: { total_tokens: number } }).usage.total_tokens = 1000;
      return response;
    });
    const report = await classifyNewItems(ctx, { now: () => now, pageSize: 2 });
    expect(report).toMatchObject({ classified: 0, relabelled: 2 });
    expect(fencedItems(server.requests[0]!.body).map((fenced) => fenced.text.trim())).toEqual([NEWS[0]!.title, NEWS[1]!.title]);
    expect(await classifications.get(idOf('1'))).toMatchObject({ source: 'llm', awaitingLlm: false, classifiedAt: T0 });
    expect(await classifications.get(idOf('4'))).toMatchObject({ source: 'offline', awaitingLlm: true });
    expect(server.requests).toHaveLength(1);
  });

  it('re-classifies an item whose wording changed, sending only the new text', async () => {
    await store(NEWS);
    const classifier = llmClassifier();
    await run(classifier);
    const changed = { ...entry('2', NEWS[1]!.title, 'Pekín ofrece créditos a Venezuela'), contentHash: 'hash:changed' };
    expect((await store([changed])).updated).toBe(1);

    expect(await run(classifier)).toEqual({ classified: 1, bySource: { offline: 0, llm: 1 }, failed: 0, relabelled: 0 });
    expect(server.requests).toHaveLength(2);
    expect(fencedItems(server.requests[1]!.body).map((fenced) => fenced.text)).toEqual([
      `\n${changed.title}\nPekín ofrece créditos a Venezuela\n`,
    ]);
    expect(await classifications.get(idOf('2'))).toMatchObject({ contentHash: 'hash:changed', source: 'llm' });
  });

  it('leaves a page pending when the classifier throws, and goes on with the next page', async () => {
    await store(NEWS);
    let calls = 0;
    const offline = createClassifier({ llm: undefined, ledger: classifications, logger: silentLogger(), themes });
    const flaky: ItemClassifier = {
      classifyItems: async (page) => {
        if (calls++ === 0) throw new Error('bug');
        return offline.classifyItems(page);
      },
    };

    expect(await run(flaky, { pageSize: 2 })).toEqual({ classified: 1, bySource: { offline: 1, llm: 0 }, failed: 2, relabelled: 0 });
    expect((await classifications.pending({ limit: 10 })).map((row) => row.id)).toEqual([idOf('1'), idOf('2')]);
    expect(await run(flaky)).toMatchObject({ classified: 2, failed: 0, relabelled: 0 });
  });

  it('classifies at most `limit` items per run, in pages', async () => {
    await store(Array.from({ length: 25 }, (_, index) => entry(`n${index}`, `Mercosur noticia ${index}`)));
    const offline = createClassifier({ llm: undefined, ledger: classifications, logger: silentLogger(), themes });
    const pages: number[] = [];
    const counting: ItemClassifier = {
      classifyItems: (page) => {
        pages.push(page.length);
        return offline.classifyItems(page);
      },
    };

    expect((await run(counting, { pageSize: 10, limit: 22 })).classified).toBe(22);
    expect(pages).toEqual([10, 10, 2]);
    expect(await classifications.pending({ limit: 100 })).toHaveLength(3);
  });

  it('asks the LLM, in the request that labels them, about story pairs near the merge threshold published close together, and a digest merges the confirmed one', async () => {
    const arrives = 'María Corina Machado llega a la Casa Blanca para un almuerzo con Donald Trump';
    const gives = 'Machado le entregó a Trump su Premio Nobel, pero no recibió una promesa de apoyo';
    // Three days later: too far from the others to be one story, so never asked about.
    const later = { ...entry('3', 'Machado entrega a Trump la medalla del Nobel enmarcada como “gratitud”'), publishedAt: T0 - 80 * HOUR };
    await store([entry('1', arrives), entry('2', gives), later]);
    server.setDefault((request) => {
      const answer = keywordResponder()(request) as { body: { choices: { message: { content: string } }[] } };
      const message = answer.body.choices[0]!.message;
      message.content = JSON.stringify({ ...JSON.parse(message.content), pairs: askedPairs(request).map(([a, b]) => ({ pair: `${a}-${b}`, same: true })) });
      return answer;
    });
    const classifier = createClassifier({
      llm: llmSchema.parse({ baseURL: server.baseURL, model: 'test-model', skipWithoutRegionalSignal: false }),
      ledger: classifications,
      logger: silentLogger(),
      themes,
      apiKey: 'sk-local',
      uncertainPairs: uncertainItemPairs,
    });
    await run(classifier);

    expect(server.requests).toHaveLength(1);
    const titles = new Map(fencedItems(server.requests[0]!.body).map((fenced) => [fenced.ref, fenced.text.trim()]));
    expect(askedPairs(server.requests[0]!.body).map((pair) => pair.map((ref) => titles.get(ref)))).toEqual([[arrives, gives]]);
    const sources = { items: sqlite.items, feeds: sqlite.feeds, classifications };
    const digestItems = await loadDigestItems(sources, ['venezuela-crisis', 'us-venezuela', 'us-policy'], { from: T0 - 24 * HOUR, to: T0 + HOUR });
    const stories = clusterStories(digestItems);
    expect(stories.map((story) => story.items.map((item) => item.title).sort())).toEqual([[arrives, gives].sort()]);
  });
});
