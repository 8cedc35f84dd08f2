import type { LlmConfig } from '../config/config-schema.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../ops/metrics.js';
import { createClassificationStore } from '../store/classification-store.js';
import type { Database } from '../store/open-database.js';
import { createOfflineItemClassifier, type ItemClassifier } from './item-classifier.js';
import { createLlmClassifier, type LlmLedger } from './llm-classifier.js';
import { loadClassifyPrompt } from './llm-prompt.js';
import { createOfflineClassifier } from './offline-classifier.js';
import { loadThemes, type ThemesConfig } from './themes-config.js';

export interface CreateClassifierOptions {
  /** The `llm` section of the configuration; absent means offline only. */
  llm: LlmConfig | undefined;
  db: Database;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  themes?: ThemesConfig;
  promptPath?: string;
  /** Counts the LLM's tokens as they are recorded in the ledger. */
  metrics?: Pick<Metrics, 'llmTokens'> | undefined;
  /** Aborted when Sancocho stops: an LLM request in flight gives up and its items stay unclassified. */
  signal?: AbortSignal | undefined;
}

/**
 * The classifier the configuration asks for: with `llm`, the LLM classifier backed by the offline
 * one; without, the offline one alone. Themes and prompt are read here, once, so a broken file
 * stops start-up with a ConfigError instead of failing every poll cycle.
 */
export function createClassifier(options: CreateClassifierOptions): ItemClassifier {
  const log = options.logger.child({ module: 'create-classifier' });
  const themes = options.themes ?? loadThemes();
  const offline = createOfflineClassifier(themes);
  const { llm } = options;
  if (!llm) {
    log.info('create-classifier: offline classifier');
    return createOfflineItemClassifier(offline);
  }
  const env = options.env ?? process.env;
  const key = env.OPENAI_API_KEY?.trim();
  if (!key && !llm.baseURL) {
    throw new ConfigError('llm: OPENAI_API_KEY is not set (it is needed for OpenAI itself; a local server takes any key via llm.baseURL)');
  }
  const prompt = loadClassifyPrompt(themes.themes, options.promptPath);
  // The host only: a URL may carry credentials.
  const host = llm.baseURL ? new URL(llm.baseURL).host : 'api.openai.com';
  log.info({ model: llm.model, host, promptVersion: prompt.version }, 'create-classifier: LLM classifier with offline fallback');
  return createLlmClassifier({
    config: llm,
    // Local OpenAI-compatible servers ignore the key, but the client requires one.
    apiKey: key || 'sk-local',
    prompt,
    offline,
    ledger: countingTokens(createClassificationStore(options.db), options.metrics),
    logger: options.logger,
    signal: options.signal,
  });
}

/** The ledger, with every usage record also counted in the metrics. */
function countingTokens(ledger: LlmLedger, metrics: Pick<Metrics, 'llmTokens'> | undefined): LlmLedger {
  if (!metrics) return ledger;
  return {
    ...ledger,
    recordUsage(usage) {
      ledger.recordUsage(usage);
      metrics.llmTokens(usage);
    },
  };
}
