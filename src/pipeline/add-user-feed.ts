import type { Language } from '../core/types.js';
import { canonicalizeUrl } from '../feeds/canonical-url.js';
import type { FeedRow } from '../core/feed.js';
import { withDedupeKeys } from './dedupe-keys.js';
import { fetchParsedFeed } from './fetch-parsed-feed.js';
import type { IngestContext } from './ingest-feed.js';
import { nextDueAfterSuccess } from './next-poll.js';

export type AddFeedOutcome =
  | { status: 'added'; feed: FeedRow; items: number }
  | { status: 'exists'; feed: FeedRow }
  /** Another Discord server added it first; it is that server's, so nothing about it is told. */
  | { status: 'owned-elsewhere' }
  | { status: 'invalid-url'; message: string }
  /** The URL, a redirect or a resolved address points somewhere a user feed may not reach. */
  | { status: 'refused'; message: string }
  | { status: 'unreachable'; message: string }
  | { status: 'not-a-feed'; message: string };

/**
 * Adds a feed on a user's request, owned by the Discord server it came from (`guildId`). The URL is
 * fetched once through the guarded pool (every redirect and resolved address checked) and must
 * parse as a feed before anything is saved; its current items are stored as backlog so adding a
 * feed never floods a channel.
 */
export async function addUserFeed(
  ctx: IngestContext,
  request: { url: string; name?: string | undefined; language?: Language | undefined; guildId: string },
  now = Date.now(),
): Promise<AddFeedOutcome> {
  const url = canonicalizeUrl(request.url.trim());
  if (url === null) return { status: 'invalid-url', message: 'Only http:// and https:// feed URLs can be added.' };
  // Config feeds are stored as written: compare canonical spellings, so `?utm_source=…` is no new feed.
  const known = (await ctx.store.feeds.getByUrl(url)) ?? (await ctx.store.feeds.list()).find((feed) => canonicalizeUrl(feed.url) === url);
  if (known) return existing(known, request.guildId);

  const outcome = await fetchParsedFeed(url, {
    polling: ctx.polling,
    dispatcher: ctx.userFeedDispatcher,
    parser: ctx.feedParser,
    signal: ctx.signal,
    language: request.language ?? null,
    now,
  });
  if (outcome.status === 'not-modified') return { status: 'unreachable', message: 'The server answered 304 to a first request.' };
  if (outcome.status === 'error') {
    const { kind, message } = outcome.failure;
    ctx.logger.info({ module: 'add-user-feed', url, kind }, `add-user-feed: refused: ${message}`);
    if (kind === 'blocked-address') return { status: 'refused', message: 'That address is not allowed: feeds must be on the public internet.' };
    if (kind === 'invalid-url') return { status: 'invalid-url', message };
    if (kind === 'not-a-feed' || kind === 'malformed' || kind === 'parse-timeout') return { status: 'not-a-feed', message };
    return { status: 'unreachable', message };
  }

  const { fetched, feed: parsed, items } = outcome;
  const name = request.name?.trim() || parsed.title?.trim() || new URL(url).host;
  const added = await ctx.store.withTransaction(async (tx) => {
    const result = await tx.feeds.add({ url, name, language: request.language }, 'user', now, request.guildId);
    // Two admins added the same URL at once: the other request saved it while this one fetched.
    if (result.kind === 'exists') return result;
    const { id } = result.feed;
    await tx.items.saveFeedItems(id, withDedupeKeys(id, items), { fetchedAt: now, backlog: true });
    await tx.feeds.recordPoll(id, {
      kind: 'success',
      at: now,
      http: fetched.http,
      etag: fetched.etag,
      lastModified: fetched.lastModified,
      movedTo: fetched.movedTo,
      nextDueAt: nextDueAfterSuccess(now, ctx.polling.defaultInterval, { ttlMinutes: parsed.ttlMinutes, maxAgeSeconds: fetched.maxAgeSeconds }),
    });
    return { kind: 'added' as const, feed: (await tx.feeds.get(id)) as FeedRow };
  });
  if (added.kind === 'exists') return existing(added.feed, request.guildId);
  ctx.logger.info({ module: 'add-user-feed', url, items: items.length, skipped: outcome.skipped }, 'add-user-feed: feed added');
  return { status: 'added', feed: added.feed, items: items.length };
}

/** A feed another server added stays that server's: the answer says only that it is taken. */
function existing(feed: FeedRow, guildId: string): AddFeedOutcome {
  if (feed.origin === 'user' && feed.guildId !== null && feed.guildId !== guildId) return { status: 'owned-elsewhere' };
  return { status: 'exists', feed };
}
