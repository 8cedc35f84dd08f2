import type { AlertDestinationConfig } from '../config/config-schema.js';
import type { ThemeId } from '../core/themes.js';
import { clusterStories, type ClusterOptions } from '../digest/cluster-stories.js';
import type { AlertDecision, AlertItem, AlertReason, AlertStory, AlertedStory } from './alert-types.js';
import { compileEntities, compileTerms, type TermMatcher } from './match-terms.js';

const HOUR = 3_600_000;

/** What a destination's config says about when a story alerts, with its rules' terms compiled once. */
export interface AlertPolicy {
  name: string;
  themes: readonly ThemeId[];
  velocity: { outlets: number; withinMs: number };
  rules: readonly CompiledRule[];
  importance: number | null;
}

interface CompiledRule {
  theme: ThemeId;
  terms: TermMatcher;
  entities: TermMatcher | null;
  minOutlets: number;
}

export function alertPolicy(config: Pick<AlertDestinationConfig, 'name' | 'themes' | 'velocity' | 'rules' | 'importance'>): AlertPolicy {
  return {
    name: config.name,
    themes: config.themes,
    velocity: { outlets: config.velocity.outlets, withinMs: config.velocity.withinHours * HOUR },
    rules: config.rules.map((rule) => ({
      theme: rule.theme,
      terms: compileTerms(rule.any),
      entities: rule.entities ? compileEntities(rule.entities) : null,
      minOutlets: rule.minOutlets,
    })),
    importance: config.importance ?? null,
  };
}

/**
 * The story clusters alerting looks at: the recent items clustered as a digest clusters them (the
 * same story from several outlets and languages is one), backlog left out before anything else, so
 * a new feed's archive neither alerts nor lends its outlets to a story.
 */
export function alertStories(items: readonly AlertItem[], options: ClusterOptions = {}): AlertStory[] {
  const live = items.filter((item) => !item.backlog);
  const byId = new Map(live.map((item) => [item.id, item]));
  return clusterStories(live, options).map((story) => ({ story, items: story.items.map((item) => byId.get(item.id) as AlertItem) }));
}

/**
 * Which stories alert this destination now, pure: a story already decided for it (one sharing an
 * item with a record of `alerted`) is an edit when outlets joined since and it was sent or is
 * waiting, else nothing — one alert per story, ever, and none for a story handed to the digest; any
 * other story is a new alert when it has a reason (see `alertReasons`). New alerts come most
 * pressing first: a rule or the model's importance before velocity alone, then by outlets.
 */
export function decideAlerts(input: {
  stories: readonly AlertStory[];
  policy: AlertPolicy;
  alerted: readonly AlertedStory[];
  now: number;
}): AlertDecision[] {
  const { policy, now } = input;
  const byItem = new Map<number, AlertedStory>();
  for (const record of input.alerted) for (const id of record.itemIds) if (!byItem.has(id)) byItem.set(id, record);
  const edits: AlertDecision[] = [];
  const fresh: { decision: AlertDecision & { kind: 'new' }; rank: number[] }[] = [];
  for (const story of input.stories) {
    const previous = story.items.map((item) => byItem.get(item.id)).find((record) => record !== undefined);
    if (previous) {
      if (previous.state === 'to-digest') continue;
      const shown = new Set(previous.outlets);
      const added = story.story.outlets.filter((outlet) => !shown.has(outlet));
      if (added.length > 0) edits.push({ kind: 'edit', alertId: previous.alertId, story, previous, added });
      continue;
    }
    const reasons = alertReasons(story, policy, now);
    if (reasons.length === 0) continue;
    const pressing = reasons.some((reason) => reason.kind !== 'velocity') ? 1 : 0;
    fresh.push({
      decision: { kind: 'new', alertId: `alert:${policy.name}:${story.story.lead.id}`, story, reasons },
      rank: [pressing, story.story.outlets.length, -story.story.lead.id],
    });
  }
  fresh.sort((a, b) => compareRanks(b.rank, a.rank));
  return [...fresh.map((entry) => entry.decision), ...edits];
}

/**
 * Why a story alerts a destination now; empty when it does not. Only recent items count (published
 * within the velocity window before `now`): yesterday's story that a third outlet picks up today is
 * not breaking news, and news from before an outage does not alert when the bot comes back.
 * - velocity: at least N distinct outlets, and the story carries one of the destination's themes;
 * - a rule: the story carries the rule's theme, a recent item holds one of its terms (and one of its
 *   entities, when it names some), and the story has the rule's minimum of outlets;
 * - importance (with an `llm` section): a recent item scored at or above the threshold, with the
 *   fact that makes it important, on one of the destination's themes.
 */
export function alertReasons(story: AlertStory, policy: AlertPolicy, now: number): AlertReason[] {
  const recent = story.items.filter((item) => isRecent(item, policy.velocity.withinMs, now));
  if (recent.length === 0) return [];
  const reasons: AlertReason[] = [];
  const outletTimes = firstTimePerOutlet(recent);
  const theme = bestTheme(story, policy.themes);
  if (theme && outletTimes.length >= policy.velocity.outlets) {
    reasons.push({ kind: 'velocity', outlets: outletTimes.length, spanMs: (outletTimes.at(-1) as number) - (outletTimes[0] as number), theme });
  }
  for (const rule of policy.rules) {
    if (story.story.themes[rule.theme] === undefined || outletTimes.length < rule.minOutlets) continue;
    const match = firstRuleMatch(rule, recent);
    if (match) reasons.push({ kind: 'rule', theme: rule.theme, ...match });
  }
  if (policy.importance !== null && theme) {
    const best = recent
      .map((item) => item.importance)
      .filter((importance) => importance !== undefined && importance.fact.trim() !== '')
      .sort((a, b) => (b?.score ?? 0) - (a?.score ?? 0))[0];
    if (best && best.score >= policy.importance) reasons.push({ kind: 'importance', score: best.score, threshold: policy.importance, fact: best.fact.trim() });
  }
  return reasons;
}

/** A little ahead of `now` is recent too: outlets' clocks run fast by minutes. */
const CLOCK_SKEW_MS = 10 * 60_000;

function isRecent(item: AlertItem, windowMs: number, now: number): boolean {
  const at = itemTime(item);
  return at >= now - windowMs && at <= now + CLOCK_SKEW_MS;
}

/** Undated items are taken at the time they reached Sancocho. */
function itemTime(item: AlertItem): number {
  return Number.isFinite(item.publishedAt) ? item.publishedAt : item.reachedAt;
}

/** Each distinct outlet's first recent item time, earliest first. */
function firstTimePerOutlet(items: readonly AlertItem[]): number[] {
  const first = new Map<string, number>();
  for (const item of items) first.set(item.outlet, Math.min(first.get(item.outlet) ?? Infinity, itemTime(item)));
  return [...first.values()].sort((a, b) => a - b);
}

/** The destination's theme the story scores best on; null when it carries none of them. */
function bestTheme(story: AlertStory, themes: readonly ThemeId[]): ThemeId | null {
  let best: ThemeId | null = null;
  for (const theme of themes) {
    const score = story.story.themes[theme];
    if (score !== undefined && (best === null || score > (story.story.themes[best] as number))) best = theme;
  }
  return best;
}

function firstRuleMatch(rule: CompiledRule, items: readonly AlertItem[]): { term: string; entity?: string; outlet: string } | null {
  for (const item of items) {
    const text = `${item.title}\n${item.summary}`;
    const term = rule.terms.find(text);
    if (term === null) continue;
    if (!rule.entities) return { term, outlet: item.outlet };
    const entity = rule.entities.find(text);
    if (entity !== null) return { term, entity, outlet: item.outlet };
  }
  return null;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}
