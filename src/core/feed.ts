import type { FeedStatus, Language } from './types.js';

/** A feed as stored: its configuration, its owner and its health. */
export interface FeedRow {
  id: number;
  url: string;
  name: string;
  language: Language | null;
  intervalMinutes: number | null;
  origin: FeedOrigin;
  /** The Discord server that added a user feed and owns it; null for config feeds and feeds added before owners were kept. */
  guildId: string | null;
  status: FeedStatus;
  etag: string | null;
  lastModified: string | null;
  nextDueAt: number;
  lastPolledAt: number | null;
  lastSuccessAt: number | null;
  lastHttpStatus: number | null;
  consecutiveErrors: number;
  lastErrorKind: string | null;
  lastErrorMessage: string | null;
  lastErrorAt: number | null;
  createdAt: number;
  /** Where the last polls were permanently redirected, and how many in a row. */
  movedTo: string | null;
  movedSeen: number;
  /** The URL before the feed first moved (a config file may still list it). */
  originalUrl: string | null;
}

/** Config feeds belong to the operator's file; user feeds were added from Discord. */
export type FeedOrigin = 'config' | 'user';

/** What a poll decided about a feed, written in the same transaction as its items. */
export type FeedPollUpdate =
  | {
      kind: 'success';
      at: number;
      http: number;
      etag: string | null;
      lastModified: string | null;
      nextDueAt: number;
      /** Where a permanent redirect (301, 308) took this poll, if one did; absent counts as none. */
      movedTo?: string | null;
    }
  | { kind: 'not-modified'; at: number; etag: string | null; lastModified: string | null; nextDueAt: number; movedTo?: string | null }
  | {
      kind: 'error';
      at: number;
      http: number | null;
      errorKind: string;
      message: string;
      nextDueAt: number;
      status: FeedStatus;
    };

/** Polls in a row that must see the same permanent redirect before the feed's URL changes: one could be a mistake. */
export const MOVE_AFTER_POLLS = 3;

/** The error kind that marks a config feed disabled because it left the config file. */
export const REMOVED_FROM_CONFIG = 'removed-from-config';

/** A new feed, or the one that already has its URL (never an engine's constraint error). */
export type AddFeedResult = { kind: 'added'; feed: FeedRow } | { kind: 'exists'; feed: FeedRow };

/** What removing a feed did: only user feeds are deleted, config feeds change only with the file. */
export type RemoveFeedResult = 'deleted' | 'config' | 'unknown';

/** How syncing with the config file changed the feed list. */
export interface SyncCounts {
  added: number;
  removed: number;
}
