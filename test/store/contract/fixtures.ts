import type { NormalizedItem } from '../../../src/core/types.js';
import { withDedupeKeys } from '../../../src/pipeline/dedupe-keys.js';
import type { Store } from '../../../src/store-context.js';
import { seedItems } from '../../digest/seed-store.js';

/** The feed `putItems` stores into: loopback port 9 (discard), never polled anywhere. */
const CONTRACT_FEED = { url: 'http://127.0.0.1:9/contract/rss', name: 'Contract' };

/**
 * Stores unclassified items of one feed through the items port (an item with a guid seen before
 * gets the new wording) and gives their ids in input order.
 */
export async function putItems(store: Pick<Store, 'feeds' | 'items'>, items: NormalizedItem[], fetchedAt: number): Promise<number[]> {
  const feed = (await store.feeds.getByUrl(CONTRACT_FEED.url)) ?? (await store.feeds.add(CONTRACT_FEED, 'user', 0)).feed;
  const { itemIds } = await store.items.saveFeedItems(feed.id, withDedupeKeys(feed.id, items), { fetchedAt, backlog: false });
  return itemIds;
}

/** Stores one classified item (on no theme) per title and gives their ids, for the ports that refer to items. */
export function seedTitles(store: Pick<Store, 'feeds' | 'items' | 'classifications'>, titles: string[]): Promise<number[]> {
  return seedItems(store, titles.map((title) => ({ title, outlet: 'Contract', themes: {}, publishedAt: 1_000 })));
}
