import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { NormalizedItem } from '../../src/core/types.js';
import { withDedupeKeys } from '../../src/pipeline/dedupe-keys.js';
import { batchIngestWrites } from '../../src/pipeline/ingest-batcher.js';
import type { IngestPorts, IngestStore } from '../../src/pipeline/ports.js';
import { ENGINES, type OpenedStore } from '../store/contract/engines.js';

const NOW = Date.UTC(2026, 10, 30, 9);

const story = (title: string): NormalizedItem => ({
  guid: null,
  url: `https://news.example/${encodeURIComponent(title)}`,
  canonicalUrl: `https://news.example/${encodeURIComponent(title)}`,
  title,
  titleKey: title.toLowerCase(),
  summary: '',
  language: 'es',
  publishedAt: NOW,
  dated: true,
  source: null,
  contentHash: title,
});

/** A first poll's write, as ingestFeed makes it: the feed's items, then its poll outcome with the ETag. */
const firstPoll = (feedId: number, title: string, fail?: string) => async (tx: IngestPorts) => {
  const saved = await tx.items.saveFeedItems(feedId, withDedupeKeys(feedId, [story(title)]), { fetchedAt: NOW, backlog: true });
  if (fail !== undefined) throw new Error(fail);
  await tx.feeds.recordPoll(feedId, { kind: 'success', at: NOW, http: 200, etag: `"${title}"`, lastModified: null, nextDueAt: NOW + 3_600_000 });
  return saved.new;
};

describe.each(ENGINES)('grouping the feeds’ writes of a poll cycle ($name)', (engine) => {
  let opened: OpenedStore;
  let transactions: number;
  /** The engine's store, counting the transactions begun on it. */
  let counted: IngestStore;
  let feedIds: number[];

  beforeEach(async () => {
    opened = await engine.open();
    transactions = 0;
    const { store } = opened;
    counted = {
      feeds: store.feeds,
      items: store.items,
      leases: store.leases,
      withTransaction: (work) => {
        transactions++;
        return store.withTransaction(work);
      },
    };
    feedIds = [];
    for (const name of ['a', 'b', 'c', 'd']) feedIds.push((await store.feeds.add({ url: `https://${name}.example/rss`, name }, 'config', NOW)).feed.id);
  });
  afterEach(async () => {
    await opened.close();
  });

  const etags = async () => Promise.all(feedIds.map(async (id) => (await opened.store.feeds.get(id))?.etag ?? null));

  it('writes feeds that finish close together in one transaction, each with its items and its ETag, each with its own answer', async () => {
    const batched = batchIngestWrites(counted, silentLogger(), { maxFeeds: 16, maxWaitMs: 30 });
    const answers = await Promise.all(feedIds.map((id, index) => batched.withTransaction(firstPoll(id, `Nota ${index}`))));
    expect(answers).toEqual([1, 1, 1, 1]);
    expect(transactions).toBe(1);
    expect(await etags()).toEqual(['"Nota 0"', '"Nota 1"', '"Nota 2"', '"Nota 3"']);
    expect(await opened.store.items.count()).toBe(4);
  });

  it('writes a group as soon as maxFeeds wait, without waiting out maxWaitMs', async () => {
    const batched = batchIngestWrites(counted, silentLogger(), { maxFeeds: 2, maxWaitMs: 60_000 });
    const started = performance.now();
    await Promise.all(feedIds.map((id, index) => batched.withTransaction(firstPoll(id, `Nota ${index}`))));
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(transactions).toBe(2);
  });

  it('costs a failing feed its own write only: the group is rolled back and each feed written alone, so the others keep theirs', async () => {
    const batched = batchIngestWrites(counted, silentLogger(), { maxFeeds: 16, maxWaitMs: 30 });
    const outcomes = await Promise.allSettled(
      feedIds.map((id, index) => batched.withTransaction(firstPoll(id, `Nota ${index}`, index === 2 ? 'the feed vanished' : undefined))),
    );
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : String(outcome.reason)))).toEqual([
      1,
      1,
      'Error: the feed vanished',
      1,
    ]);
    // The group, then each of the four alone.
    expect(transactions).toBe(5);
    // The failed feed keeps neither its items nor an ETag; the others keep both.
    expect(await etags()).toEqual(['"Nota 0"', '"Nota 1"', null, '"Nota 3"']);
    expect(await opened.store.items.count()).toBe(3);
  });

  it('tells the caller how many feeds wait for their write, so their polling slots can be lent meanwhile', async () => {
    const seen: number[] = [];
    const batched = batchIngestWrites(counted, silentLogger(), { maxFeeds: 16, maxWaitMs: 10, onWaiting: (waiting) => seen.push(waiting) });
    await Promise.all(feedIds.slice(0, 3).map((id, index) => batched.withTransaction(firstPoll(id, `Nota ${index}`))));
    expect(seen).toEqual([1, 2, 3, 2, 1, 0]);
  });
});
