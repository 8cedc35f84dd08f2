import { createHash } from 'node:crypto';
import { createClassifier } from '../classify/create-classifier.js';
import type { ClassifiableItem } from '../classify/item-classifier.js';
import { llmSchema } from '../config/config-schema.js';
import { silentLogger } from '../core/logger.js';
import { openDatabase } from '../store/open-database.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { createTextGenerator } from './sample-text.js';
import { estimateTokens, startTokenCountingServer } from './token-counting-server.js';

export interface LlmCostFigure {
  batch: number;
  /** Chat completions the server received for the batch (1 when the first response format is accepted). */
  requests: number;
  /** Mean characters of an item's title and summary. */
  itemChars: number;
  /** System and user messages, as received. */
  promptChars: number;
  inputTokens: number;
  inputTokensPerItem: number;
  /** The fixed part of every request: instructions and theme definitions (the system message). */
  systemTokens: number;
  /** The strict JSON schema sent as `response_format`; providers with structured outputs bill it too. */
  responseFormatTokens: number;
  estimate: 'characters / 4';
}

/**
 * Figure 6: one batch of `batch` news-like items through the real LLM classifier (prompt file,
 * fencing, batching) to a loopback OpenAI-compatible server that counts what it receives.
 */
export async function llmCostBench(options: { batch: number }): Promise<LlmCostFigure> {
  const server = await startTokenCountingServer();
  const db = openDatabase(':memory:');
  try {
    const classifier = createClassifier({
      // Every item is sent: the regional-signal gate would measure the sample, not the prompt.
      llm: llmSchema.parse({ baseURL: server.baseURL, model: 'bench', batchSize: options.batch, skipWithoutRegionalSignal: false }),
      ledger: createSqliteStore(db).classifications,
      logger: silentLogger(),
    });
    const text = createTextGenerator(11);
    const items: ClassifiableItem[] = Array.from({ length: options.batch }, (_, index) => {
      const item = text.item();
      const contentHash = createHash('sha256').update(`${item.title}\n${item.summary}`).digest('hex');
      return { id: index + 1, contentHash, title: item.title, summary: item.summary, language: item.language };
    });
    const labels = await classifier.classifyItems(items);
    if (labels.some((label) => label.source !== 'llm')) throw new Error('llm-cost-bench: the model did not label every item');
    const sum = (key: 'systemChars' | 'userChars' | 'responseFormatChars') => server.received.reduce((total, prompt) => total + prompt[key], 0);
    const promptChars = sum('systemChars') + sum('userChars');
    const inputTokens = estimateTokens(promptChars);
    const requests = server.received.length;
    return {
      batch: options.batch,
      requests,
      itemChars: Math.round(items.reduce((total, item) => total + item.title.length + item.summary.length, 0) / items.length),
      promptChars,
      inputTokens,
      inputTokensPerItem: Math.round(inputTokens / options.batch),
      systemTokens: estimateTokens(sum('systemChars') / requests),
      responseFormatTokens: estimateTokens(sum('responseFormatChars') / requests),
      estimate: 'characters / 4',
    };
  } finally {
    db.close();
    await server.close();
  }
}
