import type { AlertItem, AlertReason, AlertedStory } from '../alerts/alert-types.js';
import { alertPolicy, alertStories } from '../alerts/decide-alerts.js';
import { planAlerts } from '../alerts/plan-alerts.js';
import { describeReasons } from '../alerts/render-alert.js';
import { createOfflineClassifier } from '../classify/offline-classifier.js';
import { loadThemes } from '../classify/themes-config.js';
import { alertDestinationSchema, type AlertDestinationConfig } from '../config/config-schema.js';
import type { ThemeId } from '../core/themes.js';
import type { Language } from '../core/types.js';
import { clusterStories } from '../digest/cluster-stories.js';
import { decodeBody } from '../feeds/decode-body.js';
import { normalizeItem } from '../feeds/normalize-item.js';
import { parseFeed } from '../feeds/parse-feed.js';

/** One feed document as it was fetched, and what of it was the feed's archive when first polled. */
export interface ReplayFeed {
  name: string;
  language?: Language;
  body: Buffer;
  contentType: string;
  fetchedAt: number;
  /** Items published before this were there at the feed's first poll: backlog. */
  backlogBefore?: number;
}

export interface ReplayAlert {
  headline: string;
  outlets: string[];
  /** Why, as the alert says it (in English). */
  why: string;
  reasons: AlertReason[];
  at: number;
}

export interface ReplayReport {
  items: number;
  onTopicItems: number;
  /** On-topic stories that were news (not backlog): the same story from several outlets counted once. */
  onTopicStories: number;
  alerts: ReplayAlert[];
  /** Outlets joining an alerted story later: edits, not new alerts. */
  edits: number;
  /** Alerts the pacing handed to the digest (hourly limit, quiet hours, mute). */
  toDigest: number;
  /** alerts / onTopicStories. */
  rate: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** How far back each cycle's clustering looks: the stories of the last hours. */
const LOOKBACK_MS = 24 * HOUR;

/**
 * Replays feed documents through what the bot does between digests — decode, parse, normalize,
 * classify offline, cluster, decide, pace — one poll cycle every `cycleMs` from the first item to the
 * last, as if the items had arrived when they were published, with one destination's alert settings
 * (the defaults unless given) and what it was alerted of carried from cycle to cycle. Pure apart
 * from reading the vocabulary: the same documents give the same report.
 */
export async function replayAlerts(
  feeds: readonly ReplayFeed[],
  options: { alerts?: Partial<AlertDestinationConfig>; cycleMs?: number } = {},
): Promise<ReplayReport> {
  const items = await replayItems(feeds);
  const destination = alertDestinationSchema.parse({ name: 'replay', ...options.alerts });
  const cycleMs = options.cycleMs ?? 5 * MINUTE;
  const news = items.filter((item) => !item.backlog && Object.keys(item.themes).length > 0);
  const onTopicStories = clusterStories(news).length;
  const { alerts, edits, toDigest } = runCycles(items, destination, cycleMs);
  return {
    items: items.length,
    onTopicItems: items.filter((item) => Object.keys(item.themes).length > 0).length,
    onTopicStories,
    alerts,
    edits,
    toDigest,
    rate: onTopicStories === 0 ? 0 : alerts.length / onTopicStories,
  };
}

/** The documents' items, classified, as alerting sees them (duplicate links across documents once). */
export async function replayItems(feeds: readonly ReplayFeed[]): Promise<AlertItem[]> {
  const classifier = createOfflineClassifier(loadThemes());
  const seen = new Set<string>();
  const items: AlertItem[] = [];
  for (const feed of feeds) {
    const { text } = decodeBody(feed.body, feed.contentType);
    const parsed = await parseFeed(text);
    if (parsed.status !== 'ok') throw new Error(`alerts-replay: ${feed.name}: ${parsed.kind}: ${parsed.message}`);
    for (const raw of parsed.feed.items) {
      const item = normalizeItem(raw, { fetchedAt: feed.fetchedAt, baseUrl: 'https://replay.example/', feedLanguage: feed.language });
      if (!item) continue;
      const key = item.canonicalUrl ?? item.contentHash;
      if (seen.has(key)) continue;
      seen.add(key);
      const classification = classifier.classify({ title: item.title, summary: item.summary, lang: item.language });
      const themes: Partial<Record<ThemeId, number>> = {};
      for (const theme of classification.themes) themes[theme] = classification.scores[theme];
      items.push({
        id: items.length + 1,
        title: item.title,
        summary: item.summary,
        url: item.canonicalUrl ?? item.url,
        outlet: item.source?.trim() || feed.name,
        language: item.language,
        publishedAt: item.publishedAt,
        reachedAt: item.publishedAt,
        themes,
        contentHash: item.contentHash,
        backlog: feed.backlogBefore !== undefined && item.publishedAt < feed.backlogBefore,
      });
    }
  }
  return items;
}

function runCycles(items: readonly AlertItem[], destination: AlertDestinationConfig, cycleMs: number): { alerts: ReplayAlert[]; edits: number; toDigest: number } {
  const policy = alertPolicy(destination);
  const onTopic = items.filter((item) => Object.keys(item.themes).length > 0);
  // Each item reaches the bot at the first cycle after it was published.
  const arrival = (item: AlertItem) => Math.ceil(item.publishedAt / cycleMs) * cycleMs;
  // Cycles where something can change: an item arrives, or a waiting alert's slot comes.
  const cycles = new Set(onTopic.map(arrival));
  const records = new Map<string, AlertedStory>();
  const alerts: ReplayAlert[] = [];
  let edits = 0;
  let toDigest = 0;
  for (let now = Math.min(...cycles); Number.isFinite(now); now = Math.min(...[...cycles].filter((at) => at > now))) {
    const visible = onTopic.filter((item) => arrival(item) <= now && item.publishedAt >= now - LOOKBACK_MS).map((item) => ({ ...item, reachedAt: arrival(item) }));
    const stories = alertStories(visible);
    for (const action of planAlerts({ destination, policy, stories, alerted: [...records.values()], now })) {
      records.set(action.alertId, action.record);
      if (action.kind === 'edit') edits++;
      if (action.kind === 'to-digest') toDigest++;
      if (action.kind === 'wait') cycles.add(Math.ceil(action.until / cycleMs) * cycleMs);
      if (action.kind !== 'post') continue;
      const story = stories.find((candidate) => candidate.items.some((item) => action.record.itemIds.includes(item.id)))?.story;
      alerts.push({ headline: story?.lead.title ?? '', outlets: [...action.record.outlets], why: describeReasons(action.record.reasons, 'en'), reasons: [...action.record.reasons], at: now });
    }
  }
  return { alerts, edits, toDigest };
}
