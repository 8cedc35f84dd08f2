import type { AlertItem } from '../alerts/alert-types.js';
import { alertPolicy, alertStories } from '../alerts/decide-alerts.js';
import { planAlerts } from '../alerts/plan-alerts.js';
import { alertDestinationSchema } from '../config/config-schema.js';
import type { ThemeId } from '../core/themes.js';
import { createTextGenerator, seededRandom } from './sample-text.js';
import { percentile, significant } from './stats.js';

export interface AlertDecisionFigure {
  /** Stories in the window a poll cycle looks at… */
  stories: number;
  /** …told by this many items (one to four outlets each). */
  items: number;
  /** New alerts the cycle decides, posted or held (the other stories are below every threshold). */
  alerts: number;
  runs: number;
  /** Time for one cycle's whole decision: cluster, decide, pace, render. */
  p50Ms: number;
  p95Ms: number;
}

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 30, 12);

/**
 * Figure 7: what alerting adds to a poll cycle once classification is done, pure and in memory —
 * cluster the window's items into stories, decide for one destination with velocity and three
 * rules, pace and render the alerts — over `stories` news-like stories told by one to four outlets.
 */
export function alertDecisionBench(options: { stories: number; runs: number }): AlertDecisionFigure {
  const items = sampleItems(options.stories);
  const destination = alertDestinationSchema.parse({
    name: 'bench',
    rules: [
      { theme: 'us-venezuela', any: ['strike', 'ataque', 'ataca', 'bombardeio'] },
      { theme: 'regional-integration', any: ['suspende', 'suspensão', 'suspends'], entities: ['Mercosur'] },
      { theme: 'trade-tariffs', any: ['arancel', 'tarifa', 'tariff'], minOutlets: 3 },
    ],
  });
  const times: number[] = [];
  let alerts = 0;
  // One run more than measured: the first warms the code up, as a running bot's cycles are.
  for (let run = 0; run <= options.runs; run++) {
    const started = performance.now();
    const actions = planAlerts({ destination, policy: alertPolicy(destination), stories: alertStories(items), alerted: [], now: NOW });
    if (run > 0) times.push(performance.now() - started);
    alerts = actions.filter((action) => action.kind !== 'edit').length;
  }
  return {
    stories: options.stories,
    items: items.length,
    alerts,
    runs: options.runs,
    p50Ms: significant(percentile(times, 50)),
    p95Ms: significant(percentile(times, 95)),
  };
}

/** Each story's headline told by one to four outlets within the last two hours, with its topic's themes. */
function sampleItems(stories: number): AlertItem[] {
  const text = createTextGenerator(15);
  const random = seededRandom(15);
  const items: AlertItem[] = [];
  for (let story = 0; story < stories; story++) {
    const sample = text.item();
    const themes: Partial<Record<ThemeId, number>> = {};
    for (const theme of sample.themes) themes[theme] = 0.8;
    for (let outlet = 0; outlet <= story % 4; outlet++) {
      const id = items.length + 1;
      const publishedAt = NOW - Math.floor(random() * 2 * HOUR);
      items.push(benchAlertItem(sample, themes, { id, story, outlet, publishedAt }));
    }
  }
  return items;
}

/** One outlet's item of a generated story: outlet `n` links to its own copy, found and read when published. */
export function benchAlertItem(
  sample: { title: string; summary: string; language: AlertItem['language'] },
  themes: Partial<Record<ThemeId, number>>,
  at: { id: number; story: number; outlet: number; publishedAt: number },
): AlertItem {
  return {
    id: at.id,
    title: sample.title,
    summary: sample.summary,
    url: `https://outlet${at.outlet}.example/${at.story}`,
    outlet: `Outlet ${at.outlet}`,
    language: sample.language,
    publishedAt: at.publishedAt,
    reachedAt: at.publishedAt,
    themes,
    contentHash: `bench-${at.id}`,
    backlog: false,
  };
}
