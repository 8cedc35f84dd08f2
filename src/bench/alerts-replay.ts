import type { AlertItem, AlertReason, AlertedStory } from '../alerts/alert-types.js';
import { alertPolicy, alertStories, decideAlerts, type AlertPolicy } from '../alerts/decide-alerts.js';
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
  /** alerts / onTopicStories. */
  rate: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** How far back each cycle's clustering looks: the stories of the last hours. */
const LOOKBACK_MS = 24 * HOUR;

/**
 * Replays feed documents through what the bot does between digests — decode, parse, normalize,
 * classify offline, cluster, decide — one poll cycle every `cycleMs` from the first item to the
 * last, as if the items had arrived when they were published, with one destination's alert settings
 * (the defaults unless given) and what it was alerted of carried from cycle to cycle. Pure apart
 * from reading the vocabulary: the same documents give the same report.
 */
export async function replayAlerts(
  feeds: readonly ReplayFeed[],
  options: { alerts?: Partial<AlertDestinationConfig>; cycleMs?: number } = {},
): Promise<ReplayReport> {
  const items = await replayItems(feeds);
  const policy = alertPolicy(alertDestinationSchema.parse({ name: 'replay', ...options.alerts }));
  const cycleMs = options.cycleMs ?? 5 * MINUTE;
  const news = items.filter((item) => !item.backlog && Object.keys(item.themes).length > 0);
  const onTopicStories = clusterStories(news).length;
  const { alerts, edits } = runCycles(items, policy, cycleMs);
  return {
    items: items.length,
    onTopicItems: items.filter((item) => Object.keys(item.themes).length > 0).length,
    onTopicStories,
    alerts,
    edits,
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

function runCycles(items: readonly AlertItem[], policy: AlertPolicy, cycleMs: number): { alerts: ReplayAlert[]; edits: number } {
  const onTopic = items.filter((item) => Object.keys(item.themes).length > 0);
  // Each item reaches the bot at the first cycle after it was published.
  const arrival = (item: AlertItem) => Math.ceil(item.publishedAt / cycleMs) * cycleMs;
  const cycles = [...new Set(onTopic.map(arrival))].sort((a, b) => a - b);
  const alerted: AlertedStory[] = [];
  const alerts: ReplayAlert[] = [];
  let edits = 0;
  for (const now of cycles) {
    const visible = onTopic.filter((item) => arrival(item) <= now && item.publishedAt >= now - LOOKBACK_MS).map((item) => ({ ...item, reachedAt: arrival(item) }));
    for (const decision of decideAlerts({ stories: alertStories(visible), policy, alerted, now })) {
      const { story } = decision.story;
      const record = { itemIds: story.items.map((item) => item.id), outlets: story.outlets, outletsAtAlert: story.outlets.length };
      if (decision.kind === 'new') {
        alerted.push({ alertId: decision.alertId, reasons: decision.reasons, state: 'sent', decidedAt: now, sentAt: now, ...record });
        alerts.push({ headline: story.lead.title, outlets: story.outlets, why: describeReasons(decision.reasons, 'en'), reasons: decision.reasons, at: now });
      } else {
        edits++;
        const index = alerted.indexOf(decision.previous);
        alerted[index] = { ...decision.previous, itemIds: [...new Set([...decision.previous.itemIds, ...record.itemIds])], outlets: record.outlets };
      }
    }
  }
  return { alerts, edits };
}
