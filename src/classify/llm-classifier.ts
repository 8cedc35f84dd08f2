import type { LlmConfig } from '../config/config-schema.js';
import { StoppingError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { THEME_IDS, type ThemeId } from '../core/themes.js';
import type { MergeDecision } from '../core/classification.js';
import type { Metrics } from '../ops/metrics.js';
import type { ItemLensReading } from '../core/lens.js';
import type { Classification } from './classifier.js';
import { offlineLabel, offlineLens, toClassifierInput, type ClassifiableItem, type ItemClassifier, type ItemLabel } from './item-classifier.js';
import type { LensReader } from './lens-reader.js';
import { createLlmClient, type LlmClient } from './llm-client.js';
import { groundedFact, groundedQuote, groundLabels, implausibleAnswer, looksLikeInstructions, overloaded } from './llm-grounding.js';
import type { OfflineClassifier } from './offline-classifier.js';
import { pairLabel, parseAnswer, RESPONSE_MODES, responseFormat, type LensClaim, type ResponseMode } from './llm-answer.js';
import { buildMessages, type ClassifyPrompt } from './llm-prompt.js';
import type { RetryPolicy } from './llm-request.js';
import type { LlmLedger } from './ports.js';

/** Index pairs of `items` that story clustering is unsure of (see `uncertainPairs` in digest/cluster-stories). */
export type UncertainPairs = (items: readonly ClassifiableItem[]) => [number, number][];

export interface LlmClassifierOptions {
  config: LlmConfig;
  prompt: ClassifyPrompt;
  offline: OfflineClassifier;
  /** The offline lens: reads items labelled offline or from the cache, and those whose direction the model did not ground. */
  lens?: LensReader | undefined;
  ledger: LlmLedger;
  logger: Logger;
  /** The process's LLM client; built from the options below when absent. */
  client?: LlmClient;
  /** When given, the pairs it finds among the texts of a batch are asked in the same call: one event or two? */
  uncertainPairs?: UncertainPairs | undefined;
  /** From OPENAI_API_KEY; local servers accept any placeholder. Never logged. */
  apiKey?: string;
  metrics?: Pick<Metrics, 'llmTokens'> | undefined;
  pauseAfterFailureMs?: number;
  backoff?: RetryPolicy['backoff'];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface LlmClassifier extends ItemClassifier {
  /** The response format in use: the one that worked, or the next to try after a refusal. */
  readonly mode: ResponseMode;
  readonly client: LlmClient;
  /** Items the model labelled whose lens direction was not grounded in the item, read offline instead, since start. */
  readonly lensFallbacks: number;
}

/** One distinct text waiting for the model. */
interface Pending {
  hash: string;
  item: ClassifiableItem;
}

type LlmLabels = { kind: 'llm'; themes: ThemeId[]; quotes: Partial<Record<ThemeId, string>>; lens: LensClaim | undefined };
type ItemOutcome = LlmLabels | { kind: 'offline'; reason: string; awaitingLlm: boolean };

/** At most this many pairs per item of a batch: each costs about 15 tokens in and out. */
const MAX_PAIRS_PER_ITEM = 1;

type AskOutcome =
  | { kind: 'answer'; labels: Map<string, LlmLabels>; retry: Map<string, string>; implausible: boolean; decisions: MergeDecision[] }
  /** Nothing usable came back (not JSON, cut off, the wrong shape): every item may be asked again. */
  | { kind: 'no-answer'; reason: string }
  | { kind: 'failed'; reason: string; awaitingLlm: boolean };

/**
 * Labels items with an OpenAI-compatible chat model, spending as little as possible: the offline
 * classifier runs first and items without a regional signal stay offline (when configured); the
 * cache answers text it has seen under this model and prompt; the rest goes out in batches while
 * the UTC day's token budget lasts. An answer is trusted entry by entry: a bad or missing entry is
 * asked again once in a smaller batch, then labelled offline; a label stands only with a quote
 * found in its item; an implausible answer is retried item by item; text that reads like
 * instructions goes alone. Only validated labels are cached. With `uncertainPairs`, the story pairs
 * clustering is unsure of ride along in the batch that labels both texts, and the verdicts are stored.
 */
export function createLlmClassifier(options: LlmClassifierOptions): LlmClassifier {
  const { config, prompt, offline, ledger } = options;
  const log = options.logger.child({ module: 'llm-classifier', model: config.model });
  const now = options.now ?? Date.now;
  const client =
    options.client ??
    createLlmClient({
      config,
      apiKey: options.apiKey ?? 'sk-local',
      ledger,
      logger: options.logger,
      metrics: options.metrics,
      ...(options.pauseAfterFailureMs === undefined ? {} : { pauseAfterFailureMs: options.pauseAfterFailureMs }),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      now,
    });
  let mode: ResponseMode = 'json_schema';
  let confirmed = false;
  // Read with the first page rather than at construction, which stays synchronous for the wiring.
  let modeRead: Promise<void> | undefined;
  const readSavedMode = () =>
    (modeRead ??= ledger.savedMode(client.server, config.model).then((saved) => {
      mode = RESPONSE_MODES.find((known) => known === saved) ?? mode;
      // A mode read back from the store worked before: a 4xx to it is a failure, not a refusal.
      confirmed = mode === saved;
    }));

  /** One request for a batch, stepping down the response modes when the server refuses one. */
  async function ask(batch: Pending[], pairs: readonly (readonly [string, string])[]): Promise<AskOutcome> {
    await readSavedMode();
    const refs = batch.map((_, index) => String(index + 1));
    const refOf = new Map(batch.map(({ hash }, index) => [hash, refs[index] as string]));
    const asked = pairs.map(([a, b]) => {
      const [first, second] = [refOf.get(a) as string, refOf.get(b) as string].sort((x, y) => Number(x) - Number(y));
      return { a, b, label: pairLabel(first as string, second as string) };
    });
    const labels = asked.map(({ label }) => label);
    const messages = buildMessages(
      prompt,
      batch.map(({ item }, index) => ({ ref: refs[index] as string, title: item.title, summary: item.summary })),
      config.maxItemChars,
      undefined,
      labels,
    );
    // A repeating 5xx may be a refusal (llama-cpp-python) or an outage: if every mode fails, it was the outage.
    let before5xx: ResponseMode | undefined;
    for (;;) {
      const format = responseFormat(mode, prompt.themeIds, labels.length > 0);
      const outcome = await client.chat({
        purpose: 'classify',
        system: messages.system,
        user: messages.user,
        temperature: 0,
        responseFormat: format,
        mode,
        items: batch.length,
        probing: !confirmed && format !== undefined,
      });
      if (outcome.kind === 'format-rejected') {
        const next = RESPONSE_MODES[RESPONSE_MODES.indexOf(mode) + 1];
        log.warn({ refused: mode, next: next ?? null, detail: outcome.detail }, 'llm-classifier: response format refused');
        if (!next) return { kind: 'failed', reason: 'llm refused every response format', awaitingLlm: false };
        if (outcome.serverError) before5xx ??= mode;
        mode = next;
        confirmed = false;
        continue;
      }
      // Stopping: the page stays unclassified for the next start rather than taking fallback labels.
      if (outcome.kind === 'stopped') throw new StoppingError('llm-classifier: stopped with a batch in flight');
      if (outcome.kind === 'unavailable') return { kind: 'failed', reason: outcome.reason, awaitingLlm: true };
      if (outcome.kind === 'failed') {
        if (before5xx) mode = before5xx;
        return { kind: 'failed', reason: `llm unavailable: ${outcome.reason}`, awaitingLlm: true };
      }
      if (outcome.finishReason === 'length') return { kind: 'no-answer', reason: 'llm answer truncated' };
      const answer = parseAnswer(outcome.content, refs, prompt.themeIds, labels);
      if (answer.kind === 'not-json') {
        log.warn({ mode, content: answer.detail }, 'llm-classifier: answer is not JSON');
        return { kind: 'no-answer', reason: 'llm answer not JSON' };
      }
      if (!confirmed) {
        // JSON came back in this mode: remember it for this server and model, across restarts.
        confirmed = true;
        await ledger.saveMode(client.server, config.model, mode, now());
        log.info({ mode, server: client.server }, 'llm-classifier: response format works with this server');
      }
      if (answer.kind === 'invalid') {
        log.warn({ mode, detail: answer.detail }, 'llm-classifier: answer breaks the schema');
        return { kind: 'no-answer', reason: `llm answer invalid: ${answer.detail}` };
      }
      if (answer.unknownRefs.length > 0) log.warn({ unknownRefs: answer.unknownRefs.slice(0, 20) }, 'llm-classifier: dropped unknown ids from the answer');
      const found = new Map<string, LlmLabels>();
      const retry = new Map<string, string>();
      batch.forEach(({ hash, item }, index) => {
        const ref = refs[index] as string;
        const bad = answer.bad.get(ref);
        const claims = answer.labels.get(ref);
        if (bad !== undefined || !claims) {
          retry.set(hash, bad ?? 'missing from llm answer');
          return;
        }
        const grounded = groundLabels(claims, item, prompt.themeIds);
        if (grounded.dropped.length > 0) {
          log.warn({ itemId: item.id, dropped: grounded.dropped.slice(0, 9) }, 'llm-classifier: labels dropped, their quote is not in the item');
        }
        found.set(hash, { kind: 'llm', themes: grounded.themes, quotes: grounded.quotes, lens: answer.lens.get(ref) });
      });
      const decisions = asked.flatMap(({ a, b, label }) => {
        const same = answer.same.get(label);
        return same === undefined ? [] : [{ a, b, same }];
      });
      if (decisions.length < asked.length) log.warn({ asked: asked.length, answered: decisions.length }, 'llm-classifier: pairs left unsettled by the answer');
      return { kind: 'answer', labels: found, retry, implausible: implausibleAnswer([...found.values()].map((label) => label.themes)), decisions };
    }
  }

  /**
   * Labels one batch, and settles its pairs. What the answer leaves out or gets wrong is asked again
   * once (`reask`), in batches half the size, without the pairs; an implausible answer is asked
   * again item by item, and its pair verdicts are not kept.
   */
  async function labelBatch(batch: Pending[], reask: boolean, pairs: readonly (readonly [string, string])[] = []): Promise<Map<string, ItemOutcome>> {
    const results = new Map<string, ItemOutcome>();
    const outcome = await ask(batch, pairs);
    if (outcome.kind === 'answer' && !outcome.implausible && outcome.decisions.length > 0) {
      await ledger.saveMergeDecisions(outcome.decisions, config.model, now());
    }
    if (outcome.kind === 'failed') {
      for (const { hash } of batch) results.set(hash, { kind: 'offline', reason: outcome.reason, awaitingLlm: outcome.awaitingLlm });
      return results;
    }
    if (outcome.kind === 'answer' && outcome.implausible && batch.length > 1) {
      log.warn({ items: batch.length }, 'llm-classifier: most items carry most themes; answer rejected, asking item by item');
      for (const one of batch) for (const [hash, result] of await labelBatch([one], false)) results.set(hash, result);
      return results;
    }
    const again = new Map<string, string>(
      outcome.kind === 'no-answer' ? batch.map(({ hash }) => [hash, outcome.reason]) : outcome.retry,
    );
    if (outcome.kind === 'answer') {
      for (const [hash, label] of outcome.labels) {
        if (overloaded(label.themes)) again.set(hash, 'llm answer implausible');
        else results.set(hash, label);
      }
    }
    const retry = batch.filter(({ hash }) => again.has(hash));
    if (retry.length === 0) return results;
    if (reask) {
      log.warn({ items: retry.length, of: batch.length, reason: again.get(retry[0]?.hash as string) }, 'llm-classifier: asking again for items the answer missed');
      const size = Math.max(1, Math.ceil(batch.length / 2));
      for (let start = 0; start < retry.length; start += size) {
        for (const [hash, result] of await labelBatch(retry.slice(start, start + size), false)) results.set(hash, result);
      }
      return results;
    }
    for (const { hash } of retry) results.set(hash, { kind: 'offline', reason: again.get(hash) as string, awaitingLlm: false });
    return results;
  }

  let lensFallbacks = 0;
  /**
   * The model's lens reading of an item it labelled, when its direction is grounded: a quote of the
   * item for any direction but `none`. Otherwise (no direction answered, or a cached text, whose lens
   * was not kept) the offline lens reads it, with the model's themes; an ungrounded direction is counted.
   * The importance stands only with a fact grounded in the item (llm-grounding).
   */
  function lensOf(item: ClassifiableItem, classification: Classification, claim: LensClaim | undefined, lens: LensReader): ItemLensReading | null {
    if (classification.themes.length === 0) return null;
    const importance = claim?.importance ? groundImportance(claim.importance, item) : null;
    const quote = claim?.direction && claim.direction !== 'none' ? groundedQuote(claim.quote, item) : null;
    if (!claim?.direction || (claim.direction !== 'none' && quote === null)) {
      if (claim?.direction) {
        lensFallbacks++;
        log.warn({ itemId: item.id, direction: claim.direction, quote: claim.quote }, 'llm-classifier: lens direction not grounded in the item, read offline');
      }
      const offlineReading = offlineLens(lens, item, classification);
      return offlineReading && { ...offlineReading, importance };
    }
    const evidence = quote === null ? [] : [`${claim.direction}: "${quote}" (llm)`];
    return { direction: claim.direction, obstacles: claim.direction === 'none' ? [] : claim.obstacles, actors: claim.actors, evidence, source: 'llm', quote, importance };
  }

  function groundImportance(importance: { score: number; fact: string }, item: ClassifiableItem): ItemLensReading['importance'] {
    const fact = groundedFact(importance.fact, item);
    if (fact === null) log.warn({ itemId: item.id, fact: importance.fact }, 'llm-classifier: importance dropped, its fact is not in the item');
    return fact === null ? null : { score: importance.score, fact };
  }

  async function classifyItems(items: ClassifiableItem[]): Promise<ItemLabel[]> {
    const offlineResults = items.map((item) => offline.classify(toClassifierInput(item)));
    const results: (ItemLabel | undefined)[] = items.map((item, index) => {
      const offlineResult = offlineResults[index] as Classification;
      if (item.backlog) return offlineLabel(item, offlineResult, 'backlog', false, options.lens);
      if (config.skipWithoutRegionalSignal && !offlineResult.regionalSignal) return offlineLabel(item, offlineResult, 'no regional signal', false, options.lens);
      return undefined;
    });
    const llmLabel = (index: number, themes: ThemeId[], quotes: Partial<Record<ThemeId, string>> = {}, claim?: LensClaim): ItemLabel => {
      const item = items[index] as ClassifiableItem;
      const classification = fromLlm(offlineResults[index] as Classification, themes, quotes);
      return {
        itemId: item.id,
        contentHash: item.contentHash,
        source: 'llm',
        model: config.model,
        promptVersion: prompt.version,
        reason: null,
        classification,
        ...(options.lens ? { lens: lensOf(item, classification, claim, options.lens) } : {}),
      };
    };

    // Items waiting for the model, grouped by text so the same text is never sent twice.
    const waiting = new Map<string, number[]>();
    items.forEach((item, index) => {
      if (!results[index]) waiting.set(item.contentHash, [...(waiting.get(item.contentHash) ?? []), index]);
    });
    const cached = await ledger.cachedThemes([...waiting.keys()], config.model, prompt.version);
    for (const [hash, themes] of cached) {
      for (const index of waiting.get(hash) ?? []) results[index] = llmLabel(index, themes);
      waiting.delete(hash);
    }

    const pending: Pending[] = [...waiting.keys()].map((hash) => ({ hash, item: items[(waiting.get(hash) as number[])[0] as number] as ClassifiableItem }));
    // Text that addresses a model goes alone: whatever it gets out of the model, it gets for itself only.
    const suspicious = pending.filter(({ item }) => looksLikeInstructions(item));
    if (suspicious.length > 0) log.info({ itemIds: suspicious.map(({ item }) => item.id).slice(0, 20) }, 'llm-classifier: instruction-like text, classified alone');
    const plain = pending.filter((entry) => !suspicious.includes(entry));
    const candidates = await pairsToAsk(plain);
    const batches: { entries: Pending[]; pairs: (readonly [string, string])[] }[] = suspicious.map((entry) => ({ entries: [entry], pairs: [] }));
    for (let start = 0; start < candidates.ordered.length; start += config.batchSize) {
      const entries = candidates.ordered.slice(start, start + config.batchSize);
      const hashes = new Set(entries.map(({ hash }) => hash));
      const pairs = candidates.pairs.filter(([a, b]) => hashes.has(a) && hashes.has(b)).slice(0, entries.length * MAX_PAIRS_PER_ITEM);
      batches.push({ entries, pairs });
    }

    let sent = 0;
    let held: { items: number; reason: string } | undefined;
    for (const { entries: batch, pairs } of batches) {
      const stop = await client.blocked();
      const outcomes: Map<string, ItemOutcome> = stop
        ? new Map(batch.map(({ hash }) => [hash, { kind: 'offline', reason: stop, awaitingLlm: true }]))
        : await labelBatch(batch, true, pairs);
      if (stop) held = { items: (held?.items ?? 0) + batch.length, reason: stop };
      else sent += batch.length;
      const validated: { contentHash: string; themes: ThemeId[] }[] = [];
      const offlineReasons = new Set<string>();
      for (const { hash } of batch) {
        const outcome = outcomes.get(hash) ?? { kind: 'offline', reason: 'missing from llm answer', awaitingLlm: false };
        for (const index of waiting.get(hash) ?? []) {
          results[index] =
            outcome.kind === 'llm'
              ? llmLabel(index, outcome.themes, outcome.quotes, outcome.lens)
              : offlineLabel(items[index] as ClassifiableItem, offlineResults[index] as Classification, outcome.reason, outcome.awaitingLlm, options.lens);
        }
        if (outcome.kind === 'llm') validated.push({ contentHash: hash, themes: outcome.themes });
        else offlineReasons.add(outcome.reason);
      }
      if (validated.length > 0) await ledger.cacheThemes(validated, config.model, prompt.version, now());
      if (!stop && offlineReasons.size > 0) {
        log.warn({ items: batch.length - validated.length, of: batch.length, reasons: [...offlineReasons] }, 'llm-classifier: items labelled offline');
      }
    }
    if (held) log.info(held, 'llm-classifier: texts labelled offline without asking the model');
    log.debug({ items: items.length, cached: cached.size, sent }, 'llm-classifier: page classified');
    return results as ItemLabel[];
  }

  /**
   * The texts in the order they are sent, and the undecided pairs among them (content hashes):
   * texts linked by a pair go out next to each other so that both land in one batch.
   */
  async function pairsToAsk(plain: Pending[]): Promise<{ ordered: Pending[]; pairs: [string, string][] }> {
    if (!options.uncertainPairs || plain.length < 2) return { ordered: plain, pairs: [] };
    const decided = new Set((await ledger.mergeDecisions(plain.map(({ hash }) => hash))).map(({ a, b }) => `${a} ${b}`));
    const pairs = options
      .uncertainPairs(plain.map(({ item }) => item))
      .map(([i, j]) => [(plain[i] as Pending).hash, (plain[j] as Pending).hash].sort() as [string, string])
      .filter(([a, b]) => !decided.has(`${a} ${b}`));
    if (pairs.length === 0) return { ordered: plain, pairs };
    // Union-find over the pairs; each group keeps the place of its first text.
    const root = new Map(plain.map(({ hash }) => [hash, hash]));
    const find = (hash: string): string => {
      const parent = root.get(hash) as string;
      if (parent === hash) return hash;
      const top = find(parent);
      root.set(hash, top);
      return top;
    };
    for (const [a, b] of pairs) root.set(find(a), find(b));
    const groups = new Map<string, Pending[]>();
    for (const entry of plain) {
      const top = find(entry.hash);
      groups.set(top, [...(groups.get(top) ?? []), entry]);
    }
    return { ordered: [...groups.values()].flat(), pairs };
  }

  return {
    classifyItems,
    canAskLlm: async () => (await client.blocked()) === undefined,
    client,
    get lensFallbacks() {
      return lensFallbacks;
    },
    get mode() {
      return mode;
    },
  };
}

/**
 * The model decides the labels, with full confidence. The evidence for a label is the quote the
 * model gave for it, then what the offline classifier found for the same theme.
 */
function fromLlm(offline: Classification, themes: ThemeId[], quotes: Partial<Record<ThemeId, string>>): Classification {
  const scores = Object.fromEntries(THEME_IDS.map((id) => [id, themes.includes(id) ? 1 : 0])) as Record<ThemeId, number>;
  const evidence: Classification['evidence'] = {};
  for (const theme of themes) {
    const found = [...(quotes[theme] ? [`“${quotes[theme]}” (llm)`] : []), ...(offline.evidence[theme] ?? [])];
    if (found.length > 0) evidence[theme] = found;
  }
  return { ...offline, themes, scores, evidence };
}
