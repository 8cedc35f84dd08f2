import type { DigestScheduleConfig } from '../config/config-schema.js';
import { redactCredentials } from '../core/redact-credentials.js';
import type { FeedStatus } from '../core/types.js';
import { PREVIEW, configuredDestination, describeDestination } from '../config/destination.js';
import type { FeedRow } from '../core/feed.js';
import type { DigestStatus, OutboxDigest } from '../core/outbox.js';
import type { ThemeRoute } from '../core/theme-route.js';
import type { StatusFeedReader, StatusOutboxReader, StatusRouteReader } from './ports.js';

/**
 * What `sancocho status`, `/status`, `/healthz` and `/metrics` say about every feed, digest schedule
 * and destination: each with its last outcome. `buildStatusReport` is pure, over what
 * `readStatusInput` read from the stores; a new section (the LLM budget, say) is one more field in
 * both.
 */

export type FeedOutcome =
  | { kind: 'never' }
  | { kind: 'ok'; at: number; http: number | null }
  | { kind: 'error'; at: number; errorKind: string; message: string; consecutive: number };

export interface FeedStatusLine {
  name: string;
  url: string;
  origin: FeedRow['origin'];
  status: FeedStatus;
  last: FeedOutcome;
  lastSuccessAt: number | null;
  /** Null for a disabled feed. */
  nextPollAt: number | null;
}

export type DigestOutcome =
  | { kind: 'never' }
  | { kind: DigestStatus; at: number; slotAt: number; stories: number; parts: number; sentParts: number; error: string | null };

export interface ScheduleStatusLine {
  name: string;
  cron: string;
  timezone: string;
  /** "channel 123…", "webhook 456…" or "preview". */
  destination: string;
  last: DigestOutcome;
}

export type DestinationOutcome =
  | { kind: 'never' }
  | { kind: 'ok'; at: number }
  /** Discord refused it (403 missing access, 404 unknown channel or webhook): nothing goes there until fixed. */
  | { kind: 'refused'; at: number; reason: string };

export interface DestinationStatusLine {
  /** `channel:<id>`, `webhook:<id>` or `preview`: ids only, never a webhook token. */
  key: string;
  label: string;
  /** Schedule names, and `/subscribe <theme>` for theme routes. */
  usedBy: string[];
  last: DestinationOutcome;
}

export interface StatusReport {
  generatedAt: number;
  feeds: FeedStatusLine[];
  schedules: ScheduleStatusLine[];
  destinations: DestinationStatusLine[];
}

export interface StatusInput {
  now: number;
  feeds: FeedRow[];
  schedules: Pick<DigestScheduleConfig, 'name' | 'cron' | 'timezone' | 'destination'>[];
  routes: ThemeRoute[];
  /** The newest digest of each schedule to each destination. */
  digests: OutboxDigest[];
  destinationErrors: { destination: string; error: string; at: number }[];
  lastSentAt: { destination: string; at: number }[];
}

export function buildStatusReport(input: StatusInput): StatusReport {
  const schedules = input.schedules.map((schedule) => ({ schedule, key: configuredDestination(schedule.destination).key }));
  const usedBy = new Map<string, string[]>();
  const use = (key: string, by: string) => usedBy.set(key, [...(usedBy.get(key) ?? []), by]);
  for (const { schedule, key } of schedules) use(key, schedule.name);
  for (const route of input.routes) use(`channel:${route.channelId}`, `/subscribe ${route.theme}`);

  const errors = new Map(input.destinationErrors.map((row) => [row.destination, row]));
  const sent = new Map(input.lastSentAt.map((row) => [row.destination, row.at]));
  return {
    generatedAt: input.now,
    feeds: input.feeds.map(feedLine),
    schedules: schedules.map(({ schedule, key }) => ({
      name: schedule.name,
      cron: schedule.cron,
      timezone: schedule.timezone,
      destination: describeDestination({ key }),
      // Without a bot a channel schedule is previewed, so its newest digest may be a preview.
      last: digestOutcome(input.digests.find((digest) => digest.schedule === schedule.name && (digest.destination === key || digest.destination === PREVIEW.key))),
    })),
    destinations: [...usedBy].map(([key, by]) => {
      const error = errors.get(key);
      const at = sent.get(key);
      const last: DestinationOutcome = error
        ? { kind: 'refused', at: error.at, reason: error.error }
        : at === undefined
          ? { kind: 'never' }
          : { kind: 'ok', at };
      return { key, label: describeDestination({ key }), usedBy: [...new Set(by)], last };
    }),
  };
}

function feedLine(feed: FeedRow): FeedStatusLine {
  const erred = feed.lastErrorAt !== null && feed.consecutiveErrors > 0;
  const last: FeedOutcome = erred
    ? { kind: 'error', at: feed.lastErrorAt as number, errorKind: feed.lastErrorKind ?? 'unknown', message: redactCredentials(feed.lastErrorMessage ?? ''), consecutive: feed.consecutiveErrors }
    : feed.lastSuccessAt !== null
      ? { kind: 'ok', at: feed.lastSuccessAt, http: feed.lastHttpStatus }
      : { kind: 'never' };
  return {
    name: feed.name,
    url: redactCredentials(feed.url),
    origin: feed.origin,
    status: feed.status,
    last,
    lastSuccessAt: feed.lastSuccessAt,
    nextPollAt: feed.status === 'disabled' ? null : feed.nextDueAt,
  };
}

function digestOutcome(digest: OutboxDigest | undefined): DigestOutcome {
  if (!digest) return { kind: 'never' };
  return {
    kind: digest.status,
    at: digest.completedAt ?? digest.createdAt,
    slotAt: digest.slotAt,
    stories: digest.stories,
    parts: digest.parts,
    sentParts: digest.sentParts,
    error: digest.error,
  };
}

export interface RefusedDestination {
  key: string;
  label: string;
  reason: string;
  since: number;
}

/** The destinations in use that Discord refuses, for /healthz and /metrics. */
export function refusedDestinations(report: Pick<StatusReport, 'destinations'>): RefusedDestination[] {
  return report.destinations.flatMap(({ key, label, last }) => (last.kind === 'refused' ? [{ key, label, reason: last.reason, since: last.at }] : []));
}

export interface StatusSource {
  store: { routes: StatusRouteReader; outbox: StatusOutboxReader; feeds: Pick<StatusFeedReader, 'list' | 'visibleTo'> };
  config: { digests: StatusInput['schedules'] };
}

/** One Discord server's view: its theme routes and feeds, and the schedules it may see. */
export interface StatusScope {
  guildId: string;
  schedules: StatusInput['schedules'];
}

/**
 * Reads what the report needs. A `scope` narrows it to one server (for `/status`: an admin sees
 * their own server's subscriptions, feeds and schedules, not another's).
 */
export async function readStatusInput(source: StatusSource, now: number, scope?: StatusScope): Promise<StatusInput> {
  const { routes, outbox, feeds } = source.store;
  return {
    now,
    feeds: await (scope === undefined ? feeds.list() : feeds.visibleTo(scope.guildId)),
    schedules: scope === undefined ? source.config.digests : scope.schedules,
    routes: await (scope === undefined ? routes.all() : routes.forGuild(scope.guildId)),
    digests: await outbox.newestPerDestination(),
    destinationErrors: await outbox.destinationErrors(),
    lastSentAt: await outbox.lastSentAt(),
  };
}

export async function readStatus(source: StatusSource, now: number, scope?: StatusScope): Promise<StatusReport> {
  return buildStatusReport(await readStatusInput(source, now, scope));
}
