import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAnswer } from '../../src/classify/llm-answer.js';
import { createLlmClassifier } from '../../src/classify/llm-classifier.js';
import type { ClassifiableItem } from '../../src/classify/item-classifier.js';
import { loadClassifyPrompt } from '../../src/classify/llm-prompt.js';
import { createOfflineClassifier } from '../../src/classify/offline-classifier.js';
import { loadThemes } from '../../src/classify/themes-config.js';
import { llmSchema } from '../../src/config/config-schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { THEME_IDS } from '../../src/core/themes.js';
import { buildDigest } from '../../src/digest/build-digest.js';
import { loadDigestItems } from '../../src/digest/load-digest-items.js';
import { uncertainItemPairs } from '../../src/digest/merge-candidates.js';
import { createSqliteClassificationStore, type SqliteClassificationStore as ClassificationStore } from '../../src/store/sqlite/classification-store.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { seedItems } from '../digest/seed-store.js';
import { askedPairs, completion, fencedItems, replyWith, startOpenAIServer, type ChatRequest, type FakeOpenAIServer } from '../peers/openai-server.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/**
 * Story pairs clustering is unsure of (just below the merge threshold) ride along in the batched
 * classification call; the model's verdicts are validated like its labels, stored by the two
 * texts' content hashes, and a digest merges the pairs it confirmed.
 */

const themes = loadThemes();
const prompt = loadClassifyPrompt(themes.themes);
const offline = createOfflineClassifier(themes);
const NOON = Date.UTC(2026, 0, 15, 12);
const HOUR = 3_600_000;

// One event told twice (similarity about 0.38: under the threshold), and one of another day's news.
const ARRIVES = 'María Corina Machado llega a la Casa Blanca para un almuerzo con Donald Trump';
const GIVES = 'Machado le entregó a Trump su Premio Nobel, pero no recibió una promesa de apoyo';
const OTHER = 'China financia un puerto en Perú y amplía su presencia en América Latina';

function item(id: number, title: string, publishedAt = NOON): ClassifiableItem {
  return { id, contentHash: `hash:${title}`, title, summary: '', language: 'es', publishedAt };
}

/** Labels nothing, and says every pair asked is one event. */
function sameEventModel(request: ChatRequest) {
  const items = fencedItems(request).map((fenced) => ({ id: fenced.ref, themes: [] }));
  const pairs = askedPairs(request).map(([a, b]) => ({ pair: `${b}-${a}`, same: true }));
  return completion(request, JSON.stringify({ items, pairs }));
}

describe('the LLM settles uncertain story merges in the classification call', () => {
  let server: FakeOpenAIServer;
  let db: Database;
  let store: ClassificationStore;
  beforeEach(async () => {
    server = await startOpenAIServer({ responder: sameEventModel });
    db = openDatabase(':memory:');
    store = createSqliteClassificationStore(db);
  });
  afterEach(async () => {
    await server.close();
    db.close();
  });

  const classifier = () =>
    createLlmClassifier({
      config: llmSchema.parse({ baseURL: server.baseURL, model: 'test-model', timeoutSeconds: 5, skipWithoutRegionalSignal: false }),
      apiKey: 'sk-test',
      prompt,
      offline,
      ledger: store,
      logger: silentLogger(),
      uncertainPairs: uncertainItemPairs,
      now: () => NOON,
    });
  const hashes = (items: ClassifiableItem[]) => items.map((entry) => entry.contentHash);

  it('asks the uncertain pair in the one request that labels the batch, and stores the verdict by content hashes', async () => {
    const items = [item(1, ARRIVES), item(2, OTHER), item(3, GIVES)];
    await classifier().classifyItems(items);

    expect(server.requests).toHaveLength(1);
    const body = server.requests[0]!.body;
    // The pair's texts go out next to each other, so that a pair never straddles two batches.
    expect(fencedItems(body).map((fenced) => fenced.text.trim().split('\n')[0])).toEqual([ARRIVES, GIVES, OTHER]);
    expect(askedPairs(body)).toEqual([['1', '2']]);
    expect(JSON.stringify(body.response_format)).toContain('"required":["items","pairs"]');
    expect(await store.mergeDecisions(hashes(items))).toEqual([{ a: `hash:${ARRIVES}`, b: `hash:${GIVES}`, same: true }].map(sorted));
  });

  it('asks no pair when none is uncertain or it was settled before: no pair question, no pairs in the schema', async () => {
    await classifier().classifyItems([item(1, ARRIVES), item(2, OTHER)]);
    await store.saveMergeDecisions([{ a: `hash:${GIVES}`, b: `hash:${ARRIVES} (2)`, same: false }], 'test-model', NOON);
    await classifier().classifyItems([item(3, GIVES), item(4, `${ARRIVES} (2)`)]);
    // Two days apart: never one story, so never asked.
    await classifier().classifyItems([item(5, `${GIVES} (3)`), item(6, `${ARRIVES} (3)`, NOON + 72 * HOUR)]);

    expect(server.requests).toHaveLength(3);
    for (const request of server.requests) {
      expect(askedPairs(request.body)).toEqual([]);
      expect(JSON.stringify(request.body.response_format)).not.toContain('pairs');
    }
  });

  it('keeps no verdict from an answer whose pairs are missing, or from an answer it rejects as implausible', async () => {
    server.enqueue(replyWith((request) => JSON.stringify({ items: fencedItems(request).map((fenced) => ({ id: fenced.ref, themes: [] })) })));
    const items = [item(1, ARRIVES), item(2, GIVES)];
    const labels = await classifier().classifyItems(items);

    expect(labels.map((label) => label.source)).toEqual(['llm', 'llm']);
    expect(await store.mergeDecisions(hashes(items))).toEqual([]);
  });
});

describe('pair verdicts in an answer', () => {
  const items = '"items":[{"id":"1","themes":[]},{"id":"2","themes":[]},{"id":"3","themes":[]}]';
  it.each([
    ['as asked', '[{"pair":"1-2","same":true}]', [['1-2', true]]],
    ['the refs the other way round, or as an array', '[{"pair":"2-1","same":false},{"pair":["3","1"],"same":true}]', [['1-2', false], ['1-3', true]]],
    ['a pair not asked is dropped', '[{"pair":"2-3","same":true}]', []],
    ['a verdict that is not a boolean is dropped', '[{"pair":"1-2","same":"yes"}]', []],
    ['two verdicts on one pair: neither is kept', '[{"pair":"1-2","same":true},{"pair":"2-1","same":false}]', []],
    ['no pairs at all: the labels still count', 'null', []],
  ])('%s', (_, pairs, expected) => {
    const answer = parseAnswer(`{${items},"pairs":${pairs}}`, ['1', '2', '3'], THEME_IDS, ['1-2', '1-3']);
    expect(answer.kind).toBe('ok');
    if (answer.kind !== 'ok') return;
    expect([...answer.same]).toEqual(expected);
    expect(answer.labels.size).toBe(3);
  });
});

describe('a digest merges the pairs the LLM confirmed', () => {
  it.each([
    [true, [['Efecto Cocuyo', 'El Nacional']]],
    [false, [['Efecto Cocuyo'], ['El Nacional']]],
  ])('the LLM said "the same event": %s', async (same, outlets) => {
    const db = openDatabase(':memory:');
    try {
      const theme = { 'us-venezuela': 0.8 };
      await seedItems(createSqliteStore(db), [
        { title: ARRIVES, outlet: 'El Nacional', themes: theme, publishedAt: NOON - 3 * HOUR },
        { title: GIVES, outlet: 'Efecto Cocuyo', themes: theme, publishedAt: NOON - 2 * HOUR },
      ]);
      const classifications = createSqliteClassificationStore(db);
      const sources = createSqliteStore(db);
      const [a, b] = (db.prepare('SELECT content_hash AS h FROM items ORDER BY id').all() as { h: string }[]).map((row) => row.h);
      await classifications.saveMergeDecisions([{ a: b!, b: a!, same }], 'test-model', NOON);
      const window = { from: NOON - 24 * HOUR, to: NOON };
      const plan = { schedule: 'daily', themes: ['us-venezuela' as const], maxPerTheme: 5, language: 'es' as const, timezone: 'UTC', ...window };
      const stories = buildDigest(plan, await loadDigestItems(sources, plan.themes, window)).sections[0]!.stories;

      expect(stories.map((story) => story.items.map((entry) => entry.outlet).sort())).toEqual(outlets);
    } finally {
      db.close();
    }
  });
});

function sorted(decision: { a: string; b: string; same: boolean }) {
  return decision.a < decision.b ? decision : { ...decision, a: decision.b, b: decision.a };
}
