import type { LlmConfig } from '../config/config-schema.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../ops/metrics.js';
import { createOfflineItemClassifier, type ItemClassifier } from './item-classifier.js';
import { loadLens, type LensConfig } from './lens-config.js';
import { createLensReader } from './lens-reader.js';
import { createLlmClassifier, type UncertainPairs } from './llm-classifier.js';
import { createLlmClient, llmApiKey, type LlmClient } from './llm-client.js';
import { loadClassifyPrompt } from './llm-prompt.js';
import type { LlmLedger, UsageLedger } from './ports.js';
import { createOfflineClassifier } from './offline-classifier.js';
import { loadThemes, type ThemesConfig } from './themes-config.js';

export interface CreateClassifierOptions {
  /** The `llm` section of the configuration; absent means offline only. */
  llm: LlmConfig | undefined;
  /** Where the LLM classifier keeps its cache, token ledger, response mode and pair verdicts. */
  ledger: LlmLedger;
  logger: Logger;
  /** OPENAI_API_KEY, as loaded with the configuration. */
  apiKey?: string | undefined;
  themes?: ThemesConfig;
  /** The offline lens's rules (config/lens.yaml when absent): every label carries its lens reading; `false`: no readings (theme evaluation). */
  lens?: LensConfig | false;
  promptPath?: string;
  /** Counts the LLM's tokens as they are recorded in the ledger. */
  metrics?: Pick<Metrics, 'llmTokens'> | undefined;
  /** The process's LLM client (shared with digest overviews); built from `llm` when absent. */
  client?: LlmClient | undefined;
  /** Story pairs clustering is unsure of: the LLM settles them in the classification call. */
  uncertainPairs?: UncertainPairs | undefined;
}

/**
 * The classifier the configuration asks for: with `llm`, the LLM classifier backed by the offline
 * one; without, the offline one alone; either way with the offline lens. Themes, lens rules and prompt are read here, once, so a broken file
 * stops start-up with a ConfigError instead of failing every poll cycle.
 */
export function createClassifier(options: CreateClassifierOptions): ItemClassifier {
  const log = options.logger.child({ module: 'create-classifier' });
  const themes = options.themes ?? loadThemes();
  const offline = createOfflineClassifier(themes);
  const lens = options.lens === false ? undefined : createLensReader(options.lens ?? loadLens());
  const { llm } = options;
  if (!llm) {
    log.info('create-classifier: offline classifier');
    return createOfflineItemClassifier(offline, lens);
  }
  const client = options.client ?? llmClientFromConfig({ llm, ledger: options.ledger, logger: options.logger, apiKey: options.apiKey, metrics: options.metrics });
  const prompt = loadClassifyPrompt(themes.themes, options.promptPath);
  log.info({ model: llm.model, server: client.server, promptVersion: prompt.version }, 'create-classifier: LLM classifier with offline fallback');
  return createLlmClassifier({
    config: llm,
    client,
    prompt,
    offline,
    lens,
    ledger: options.ledger,
    logger: options.logger,
    uncertainPairs: options.uncertainPairs,
  });
}

/**
 * The process's one LLM client for an `llm` section, writing its usage to the database's ledger and
 * counting it in the metrics. Without a key for OpenAI itself, a ConfigError.
 */
export function llmClientFromConfig(options: {
  llm: LlmConfig;
  ledger: UsageLedger;
  logger: Logger;
  /** OPENAI_API_KEY, as loaded with the configuration. */
  apiKey?: string | undefined;
  metrics?: Pick<Metrics, 'llmTokens'> | undefined;
  /** Aborted when Sancocho stops: a request in flight gives up and its work is left for the next start. */
  signal?: AbortSignal | undefined;
}): LlmClient {
  return createLlmClient({
    config: options.llm,
    apiKey: llmApiKey(options.llm, options.apiKey),
    ledger: options.ledger,
    logger: options.logger,
    metrics: options.metrics,
    signal: options.signal,
  });
}
