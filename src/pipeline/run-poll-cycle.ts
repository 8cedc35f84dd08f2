import { classifyNewItems, type ClassifyContext, type ClassifyReport } from './classify-new-items.js';
import type { FeedReport, IngestContext } from './ingest-feed.js';
import { pollFeeds, type PollOptions } from './poll-feeds.js';

export interface PollCycleReport {
  feeds: FeedReport[];
  classified: ClassifyReport;
}

/**
 * One poll cycle: fetch and store the due feeds, then classify what is new, so that no digest
 * ever sees an item without its themes.
 */
export async function runPollCycle(ctx: IngestContext & ClassifyContext, options: PollOptions = {}): Promise<PollCycleReport> {
  const feeds = await pollFeeds(ctx, options);
  const classified = await classifyNewItems(ctx);
  return { feeds, classified };
}
