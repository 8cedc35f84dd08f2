import { createHash } from 'node:crypto';
import { createClassifier } from '../classify/create-classifier.js';
import { uncertainItemPairs } from '../digest/merge-candidates.js';
import type { Classification } from '../classify/classifier.js';
import type { ClassifiableItem, ItemLabel } from '../classify/item-classifier.js';
import { loadConfig } from '../config/load-config.js';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Language } from '../core/types.js';
import type { MergeDecision } from '../core/classification.js';
import { openStore } from '../store/open-store.js';
import { detectLanguage } from '../feeds/detect-language.js';
import { DEFAULT_LANGUAGE } from '../feeds/normalize-item.js';

export interface CliItem {
  id: string;
  title: string;
  summary: string;
  lang?: Language | undefined;
}

export interface BatchClassifier {
  /** Classifications in input order. */
  classify(items: ClassifiableItem[]): Promise<Classification[]>;
  /** The labels as the pipeline stores them (lens reading included), in input order. */
  label(items: ClassifiableItem[]): Promise<ItemLabel[]>;
  /** What the LLM said about the story pairs among these texts (content hashes) it was asked about. */
  mergeDecisions(contentHashes: readonly string[]): Promise<MergeDecision[]>;
  close(): Promise<void>;
}

/** File items → the pipeline's item shape: a content hash, and the stated language else the detected one. */
export function toClassifiable(items: CliItem[]): ClassifiableItem[] {
  return items.map((item, index) => ({
    id: index,
    contentHash: createHash('sha256').update(`${item.title}\n${item.summary}`).digest('hex'),
    title: item.title,
    summary: item.summary,
    language: item.lang ?? detectLanguage(`${item.title} ${item.summary}`) ?? DEFAULT_LANGUAGE,
  }));
}

/**
 * The classifier a file-based command asked for. `llm` uses the configured server and the
 * configured database, so its cache and token budget are the bot's own.
 */
export async function pickClassifier(
  kind: string,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  options: { settlePairs?: boolean; lens?: boolean } = {},
): Promise<BatchClassifier> {
  if (kind !== 'offline' && kind !== 'llm') throw new UsageError(`--classifier must be offline or llm, not "${kind}"`);
  const config = loadConfig(env);
  if (kind === 'llm' && !config.llm) {
    throw new UsageError(`--classifier llm needs an \`llm\` section (model, baseURL) in ${config.source}`);
  }
  const { store, close } = await openStore(kind === 'llm' ? config.database : ':memory:');
  const classifier = createClassifier({
    llm: kind === 'llm' ? config.llm : undefined,
    apiKey: config.openaiApiKey,
    ledger: store.classifications,
    logger,
    uncertainPairs: options.settlePairs ? uncertainItemPairs : undefined,
    // Theme evaluation times the classifier: lens readings only when they are what is scored.
    ...(options.lens ? {} : { lens: false as const }),
  });
  const label = async (items: ClassifiableItem[]) => {
    const byId = new Map((await classifier.classifyItems(items)).map((entry) => [entry.itemId, entry]));
    return items.map((item) => byId.get(item.id) as ItemLabel);
  };
  return {
    classify: async (items) => (await label(items)).map((entry) => entry.classification),
    label,
    mergeDecisions: (contentHashes) => store.classifications.mergeDecisions(contentHashes),
    close,
  };
}
