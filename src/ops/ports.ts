import type { FeedRow } from '../core/feed.js';
import type { OutboxDigest } from '../core/outbox.js';
import type { ThemeRoute } from '../core/theme-route.js';

/** What the status report needs of the store: the theme routes, of every server or of one. */
export interface StatusRouteReader {
  all(): Promise<ThemeRoute[]>;
  forGuild(guildId: string): Promise<ThemeRoute[]>;
}

/** What the status report needs of the outbox: the latest digests and the destinations' last outcomes. */
export interface StatusOutboxReader {
  /** The newest digest of each schedule to each destination, newest first. */
  newestPerDestination(): Promise<OutboxDigest[]>;
  destinationErrors(): Promise<{ destination: string; error: string; at: number }[]>;
  /** When each destination last accepted a part. */
  lastSentAt(): Promise<{ destination: string; at: number }[]>;
}

/** What the status report and /healthz read of the feeds. */
export interface StatusFeedReader {
  /** Every feed, by name (case-insensitive) then id. */
  list(): Promise<FeedRow[]>;
  /** Every feed not disabled, by id. */
  enabled(): Promise<FeedRow[]>;
  /** The feeds one Discord server may see (see GuildFeedRepository.visibleTo). */
  visibleTo(guildId: string): Promise<FeedRow[]>;
}
