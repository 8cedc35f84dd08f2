import type { ItemClassifier, ItemLabel } from '../classify/item-classifier.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { ClassificationRecord } from '../core/classification.js';
import type { ClassificationRepository } from './ports.js';

export interface ClassifyContext {
  store: { classifications: ClassificationRepository };
  classifier: ItemClassifier;
  logger: Logger;
  metrics?: Pick<Metrics, 'classified'> | undefined;
  /** Aborted when Sancocho stops: no new page starts, and the page in flight stays pending. */
  signal?: AbortSignal | undefined;
}

export interface ClassifyOptions {
  /** Items handed to the classifier at once and stored together (the LLM batches within a page). */
  pageSize?: number;
  /** Most items classified in one run; the rest wait for the next poll cycle. */
  limit?: number;
  now?: () => number;
}

export interface ClassifyReport {
  classified: number;
  bySource: { offline: number; llm: number };
  /** Items left pending because classifying or storing their page threw (a bug or a database fault). */
  failed: number;
  /** Items labelled offline earlier for want of budget or server, now labelled by the LLM. */
  relabelled: number;
}

/**
 * Classifies the items that have no classification for their current wording, page by page,
 * storing each page as soon as it is labelled. Then, while the LLM can be asked, the items it
 * could not label earlier (budget spent, server out) are asked again, oldest first; they keep
 * their classification time, so a digest that already showed them does not show them again.
 * A page that throws is logged and left as it was for the next cycle; this never throws, so the
 * poll cycle goes on.
 */
export async function classifyNewItems(ctx: ClassifyContext, options: ClassifyOptions = {}): Promise<ClassifyReport> {
  const log = ctx.logger.child({ module: 'classify-new-items' });
  const store = ctx.store.classifications;
  const pageSize = options.pageSize ?? 100;
  const limit = options.limit ?? 1000;
  const now = options.now ?? Date.now;
  const report: ClassifyReport = { classified: 0, bySource: { offline: 0, llm: 0 }, failed: 0, relabelled: 0 };
  let afterId = 0;
  while (report.classified + report.failed < limit && !ctx.signal?.aborted) {
    const page = await store.pending({ afterId, limit: Math.min(pageSize, limit - report.classified - report.failed) });
    if (page.length === 0) break;
    afterId = (page.at(-1) as (typeof page)[number]).id;
    try {
      const labels = await ctx.classifier.classifyItems(page);
      const classifiedAt = now();
      await store.save(toRecords(labels, () => classifiedAt));
      for (const label of labels) report.bySource[label.source]++;
      report.classified += labels.length;
    } catch (error) {
      if (ctx.signal?.aborted) {
        log.info({ items: page.length }, 'classify-new-items: stopping; the page in flight stays pending for the next start');
        break;
      }
      log.error({ err: error, items: page.length, firstId: page[0]?.id }, 'classify-new-items: page failed, left pending');
      report.failed += page.length;
    }
  }
  let afterAwaiting = 0;
  let asked = report.classified + report.failed;
  while (asked < limit && !ctx.signal?.aborted && (await ctx.classifier.canAskLlm?.()) === true) {
    const page = await store.awaitingLlm({ afterId: afterAwaiting, limit: Math.min(pageSize, limit - asked) });
    if (page.length === 0) break;
    afterAwaiting = (page.at(-1) as (typeof page)[number]).id;
    asked += page.length;
    try {
      const labels = await ctx.classifier.classifyItems(page.map(({ classifiedAt: _, ...item }) => ({ ...item, backlog: false })));
      const classifiedAt = new Map(page.map((item) => [item.id, item.classifiedAt]));
      await store.save(toRecords(labels, (itemId) => classifiedAt.get(itemId) as number));
      report.relabelled += labels.filter((label) => label.source === 'llm').length;
    } catch (error) {
      log.error({ err: error, items: page.length, firstId: page[0]?.id }, 'classify-new-items: relabelling page failed, left as it was');
      break;
    }
  }
  ctx.metrics?.classified(report.bySource);
  if (report.classified + report.failed + report.relabelled > 0) log.info(report, 'classify-new-items: done');
  return report;
}

/** Each label's record; its lens reading, when the classifier made one, is saved with it in the same transaction. */
function toRecords(labels: ItemLabel[], classifiedAt: (itemId: number) => number): ClassificationRecord[] {
  return labels.map(({ classification, ...label }) => ({
    ...label,
    themes: classification.themes,
    scores: classification.scores,
    evidence: classification.evidence,
    classifiedAt: classifiedAt(label.itemId),
  }));
}
