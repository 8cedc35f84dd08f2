import { describe, expect, it } from 'vitest';
import { describeLlmStatus, readLlmStatus } from '../../src/classify/llm-status.js';
import { llmSchema } from '../../src/config/config-schema.js';
import { createSqliteClassificationStore } from '../../src/store/sqlite/classification-store.js';
import { openDatabase } from '../../src/store/open-database.js';

const NOW = Date.UTC(2026, 10, 29, 12);

describe('llm status for `sancocho status`', () => {
  it('reads the day’s tokens, the remembered mode and the items waiting for the LLM from the database', async () => {
    const db = openDatabase(':memory:');
    const llm = llmSchema.parse({ baseURL: 'http://user:secret@127.0.0.1:8000/v1', model: 'm', dailyTokenBudget: 1000 });
    expect(await readLlmStatus(createSqliteClassificationStore(db), undefined)).toEqual({ kind: 'offline-only' });
    const store = createSqliteClassificationStore(db);
    await store.saveMode('127.0.0.1:8000/v1', 'm', 'json_object', NOW);
    await store.recordUsage({ at: NOW, model: 'm', promptTokens: 900, completionTokens: 100, totalTokens: 1000, items: 20, mode: 'json_object' });
    const status = await readLlmStatus(store, llm, NOW);
    expect(status).toEqual({
      kind: 'llm',
      model: 'm',
      server: '127.0.0.1:8000/v1',
      mode: 'json_object',
      tokensToday: 1000,
      dailyTokenBudget: 1000,
      budgetExhausted: true,
      awaitingLlm: 0,
    });
    expect(describeLlmStatus(status)).toBe(
      'LLM: m at 127.0.0.1:8000/v1, answers in json_object, budget spent (1000 of 1000 tokens used today); offline labels until midnight UTC.',
    );
    db.close();
  });
});
