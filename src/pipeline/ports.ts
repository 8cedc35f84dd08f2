import type { AwaitingItem, ClassificationRecord, PendingItem } from '../core/classification.js';
import type { ClaimRequest, FeedClaim } from '../core/feed-lease.js';
import type { AddFeedResult, FeedOrigin, FeedPollUpdate, FeedRow, RemoveFeedResult, SyncCounts } from '../core/feed.js';
import type { KeyedItem, SavedItems, StoredItem } from '../core/item.js';
import type { FeedSpec } from '../core/types.js';
import type { UnitOfWork } from '../core/unit-of-work.js';

/** The classifications, as the pipeline's classify step reads and writes them. */
export interface ClassificationRepository {
  /** Items with no classification for their current content, oldest first, after `afterId`. */
  pending(options: { limit: number; afterId?: number }): Promise<PendingItem[]>;
  /** Replaces each item's classification, its themes and its lens reading (removed when the record has none), all at once. */
  save(records: ClassificationRecord[]): Promise<void>;
  /** Items labelled offline for want of budget or server, oldest first, whose wording has not changed since. */
  awaitingLlm(options: { limit: number; afterId?: number }): Promise<AwaitingItem[]>;
}

/** The feed list and each feed's poll state, as polling, the config file and /feeds change them. */
export interface FeedRepository {
  get(id: number): Promise<FeedRow | undefined>;
  /** A feed that moved (permanent redirects) is found by its old URL too. */
  getByUrl(url: string): Promise<FeedRow | undefined>;
  /** Every feed, by name (case-insensitive) then id. */
  list(): Promise<FeedRow[]>;
  /** Feeds whose next poll is due at `now`, failing ones included (due rarely, never dropped), by due time then id. */
  due(now: number): Promise<FeedRow[]>;
  /** Every feed not disabled, by id. */
  enabled(): Promise<FeedRow[]>;
  /**
   * Makes the stored feed list match the config file: new feeds are added (due at once), known ones
   * (by URL, or by the URL they had before they moved) keep their state and take the configured
   * name, language and interval, and config feeds dropped from the file are disabled with
   * REMOVED_FROM_CONFIG (their items stay). A feed put back in the file resumes.
   */
  syncConfigured(specs: readonly FeedSpec[], now: number): Promise<SyncCounts>;
  /**
   * Adds a feed, due at once. A user feed records the server that added it (`guildId`), which owns
   * it from then on. A URL already stored answers `exists` with that feed: no engine error escapes,
   * and inside a transaction the transaction stays usable.
   */
  add(spec: FeedSpec, origin: FeedOrigin, now: number, guildId?: string | null): Promise<AddFeedResult>;
  /**
   * Deletes a feed added from Discord, with the items only it carried; an item other feeds carry
   * too stays, under one of them. A config feed is left alone: it changes only with the file.
   */
  remove(id: number): Promise<RemoveFeedResult>;
  /**
   * Records the outcome of one poll; call inside the transaction that stored the feed's items. A
   * disabled feed is left as it is. Returns the feed's new URL when this poll was the last of
   * MOVE_AFTER_POLLS in a row permanently redirected to it (and no other feed has that URL);
   * failed polls neither count nor reset the redirect count.
   */
  recordPoll(feedId: number, update: FeedPollUpdate): Promise<{ movedTo: string | null }>;
}

/** The stored items, as ingesting a feed writes them. */
export interface ItemRepository {
  /**
   * Stores one feed's entries, recognised by the keys they carry: an entry this feed already gave
   * (same `entryKey`) is rewritten only when its content hash changed and this feed published it
   * first, else it is a duplicate; a new entry whose canonical URL, or whose `sourceKey` and
   * headline (`titleKey`), a stored item has is linked to that item as a duplicate; the rest are
   * new, flagged `backlog` as asked and indexed for search. Answers the counts and each entry's
   * item id. Call inside the transaction that
   * records the poll, so an ETag is never saved without the items it describes.
   */
  saveFeedItems(feedId: number, items: readonly KeyedItem[], options: { fetchedAt: number; backlog: boolean }): Promise<SavedItems>;
  get(id: number): Promise<StoredItem | undefined>;
  /** Every stored item (a story carried by several feeds counts once). */
  count(): Promise<number>;
  /** The entries a feed gave, its copies of other feeds' stories included. */
  countForFeed(feedId: number): Promise<number>;
}

/**
 * Who polls which due feed right now, so several pollers on one store never poll a feed twice in
 * one interval. A lease ends when its owner releases it (after recording the poll, which moved the
 * feed's due time) or when it expires (its owner died); an expired lease is taken over.
 */
export interface FeedLeaseRepository {
  /**
   * Leases up to `limit` due feeds (active or failing, due at `now`, with no live lease) to `owner`
   * until `until`, by due time then id, never more of one host than `perHost` minus the live leases
   * on it. Concurrent claims (other workers) never lease the same feed, nor exceed a host's limit.
   */
  claimDue(request: ClaimRequest): Promise<FeedClaim>;
  /** Ends `owner`'s leases on these feeds; a lease since taken over by another worker is left alone. */
  release(owner: string, feedIds: readonly number[]): Promise<void>;
}

export interface IngestPorts {
  feeds: FeedRepository;
  items: ItemRepository;
}

/** The store as polling and adding a feed use it: items and the feed's new state written in one transaction. */
export type IngestStore = IngestPorts & UnitOfWork<IngestPorts> & { leases: FeedLeaseRepository };
