import { PassThrough } from 'node:stream';
import type { AlertItem } from '../alerts/alert-types.js';
import { alertPolicy, alertStories } from '../alerts/decide-alerts.js';
import { planAlerts } from '../alerts/plan-alerts.js';
import { alertDestinationSchema } from '../config/config-schema.js';
import type { Destination } from '../config/destination.js';
import { createLogger } from '../core/logger.js';
import type { ThemeId } from '../core/themes.js';
import { SOLE_WORKER } from '../core/worker-id.js';
import { writeAlertAction } from '../delivery/alert-runner.js';
import type { Deliverer } from '../delivery/deliverer.js';
import { DEFAULT_RETRY, createOutboxSender } from '../delivery/outbox-sender.js';
import { createWebhookSender } from '../discord/deliver-webhook.js';
import { openDatabase } from '../store/open-database.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { benchAlertItem } from './alerts-bench.js';
import { PEER_WEBHOOK_ID, PEER_WEBHOOK_TOKEN, startDiscordPeer } from './discord-peer.js';
import { replayAlerts, type ReplayFeed } from './alerts-replay.js';
import { createTextGenerator } from './sample-text.js';
import { percentile, significant } from './stats.js';

export interface AlertLatencyFigure {
  /** Stories that each crossed the velocity threshold (three outlets) in their own poll cycle. */
  stories: number;
  /** From the decision (classification done) to the POST's arrival at a loopback Discord-like webhook peer, through the store and the outbox. */
  p50Ms: number;
  p95Ms: number;
  /** The demo's sample feeds replayed poll cycle by poll cycle with the default settings: alerts per on-topic story. */
  replay: { onTopicStories: number; alerts: number; rate: number };
}

/**
 * Alert latency end to end, as the bot sends one: for each of `stories` stories carried by three
 * outlets, the alert decision (planAlerts), the post written to a SQLite outbox with its record in
 * one transaction, and the outbox sender's webhook POST (discord.js, `wait=true`) to an HTTP peer on
 * loopback that answers as Discord does (discord-peer.ts). Then the alert rate of a replay of `replayFeeds` (the CLI
 * gives the demo's sample feeds) with the default settings.
 */
export async function alertLatencyBench(options: { stories: number; replayFeeds: readonly ReplayFeed[] }): Promise<AlertLatencyFigure> {
  const arrivals: number[] = [];
  const peer = await startDiscordPeer({ onMessage: () => arrivals.push(performance.now()) });
  const db = openDatabase(':memory:');
  const store = createSqliteStore(db);
  const logger = createLogger({ level: 'error', destination: new PassThrough() });
  const webhook = createWebhookSender(logger);
  const destination: Destination = { kind: 'webhook', key: `webhook:${PEER_WEBHOOK_ID}`, webhookId: PEER_WEBHOOK_ID, token: PEER_WEBHOOK_TOKEN, apiBase: peer.api };
  const deliverer: Deliverer = {
    mode: 'webhook',
    canDeliver: () => true,
    send: (to, payload, sendOptions) => webhook.send(to as Extract<Destination, { kind: 'webhook' }>, payload, sendOptions),
    close: async () => webhook.close(),
  };
  const sender = createOutboxSender({ outbox: store.outbox, destinations: { byKey: () => destination }, deliverer, logger, now: Date.now, retry: DEFAULT_RETRY, lease: { owner: SOLE_WORKER, ms: 30_000 } });
  const settings = alertDestinationSchema.parse({ name: 'bench' });
  const policy = alertPolicy(settings);
  const latencies: number[] = [];
  try {
    const text = createTextGenerator(16);
    // The first alert warms the code up, as a running bot's earlier cycles have; a generated story
    // that clustering splits (its sample text is random) does not alert and is passed over.
    for (let story = 0; latencies.length < options.stories && story < options.stories * 3; story++) {
      const now = Date.now();
      const items = storyItems(text.item(), story, now);
      const started = performance.now();
      const action = planAlerts({ destination: settings, policy, stories: alertStories(items), alerted: [], now }).find((planned) => planned.kind === 'post');
      if (!action) continue;
      const before = arrivals.length;
      const digestId = await writeAlertAction(store, settings.name, destination, action, now);
      if (digestId !== null) await sender.flush(digestId);
      if (arrivals.length === before) throw new Error(`alert-latency-bench: story ${story}'s alert did not reach the peer`);
      if (story > 0) latencies.push((arrivals.at(-1) as number) - started);
    }
    if (latencies.length < options.stories) throw new Error(`alert-latency-bench: only ${latencies.length} of ${options.stories} stories alerted`);
  } finally {
    webhook.close();
    db.close();
    await peer.close();
  }
  const replay = await replayAlerts(options.replayFeeds);
  return {
    stories: options.stories,
    p50Ms: significant(percentile(latencies, 50)),
    p95Ms: significant(percentile(latencies, 95)),
    replay: { onTopicStories: replay.onTopicStories, alerts: replay.alerts.length, rate: significant(replay.rate) },
  };
}

/** The story told by three outlets within the last hour, each item unique to its cycle. */
function storyItems(sample: { title: string; summary: string; language: AlertItem['language']; themes: readonly ThemeId[] }, story: number, now: number): AlertItem[] {
  const themes: Partial<Record<ThemeId, number>> = {};
  for (const theme of sample.themes) themes[theme] = 0.8;
  if (sample.themes.length === 0) themes['regional-integration'] = 0.8;
  return [0, 1, 2].map((outlet) => {
    const publishedAt = now - (40 - outlet * 10) * 60_000;
    return benchAlertItem(sample, themes, { id: story * 3 + outlet + 1, story, outlet, publishedAt });
  });
}
