import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics } from './metrics-port.js';

export type * from './metrics-port.js';

/**
 * The bot's Prometheus metrics, on a registry of its own (never prom-client's global one), so
 * every AppContext — and every test — counts separately. Callers use the small methods of Metrics
 * (metrics-port.ts); the metric names and labels live only here. Loaded only by a process with a
 * health port; the others record into uncountedMetrics.
 */
export function createMetrics(): Metrics & { readonly registry: Registry } {
  const registry = new Registry();
  const registers = [registry];
  const feedsPolled = new Counter({
    name: 'sancocho_feeds_polled_total',
    help: 'Feed polls, by outcome (not-modified: a 304, no body moved).',
    labelNames: ['status'] as const,
    registers,
  });
  const fetchErrors = new Counter({
    name: 'sancocho_feed_errors_total',
    help: 'Failed feed polls, by error kind (timeout, dns, http, not-a-feed, malformed…).',
    labelNames: ['kind'] as const,
    registers,
  });
  const items = new Counter({
    name: 'sancocho_items_total',
    help: 'Feed entries stored, by what storing them did: new item, updated wording, or a duplicate of a known story.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'sancocho_last_successful_poll_timestamp_seconds',
    help: 'When a feed was last polled successfully (200 or 304), in Unix seconds.',
    registers,
  });
  const classifications = new Counter({
    name: 'sancocho_classifications_total',
    help: 'Items classified, by source (offline keywords or the LLM).',
    labelNames: ['source'] as const,
    registers,
  });
  const llmTokens = new Counter({
    name: 'sancocho_llm_tokens_total',
    help: 'LLM tokens spent (classification and digest overviews), by model and kind (prompt or completion).',
    labelNames: ['model', 'kind'] as const,
    registers,
  });
  const partsSent = new Counter({
    name: 'sancocho_digest_parts_sent_total',
    help: 'Digest messages accepted by their destination, by destination kind.',
    labelNames: ['destination'] as const,
    registers,
  });
  const partsFailed = new Counter({
    name: 'sancocho_digest_parts_failed_total',
    help: 'Digest message attempts that failed, by destination kind and failure (retry, refused, rejected).',
    labelNames: ['destination', 'kind'] as const,
    registers,
  });
  const commandSeconds = new Histogram({
    name: 'sancocho_command_duration_seconds',
    help: 'Time to answer a command, by command and outcome.',
    labelNames: ['command', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });

  const leasesHeld = new Gauge({
    name: 'sancocho_leases_held',
    help: 'Feed leases this worker holds right now (feeds it is polling).',
    registers,
  });
  const takeovers = new Counter({
    name: 'sancocho_lease_takeovers_total',
    help: 'Feeds this worker claimed from an expired lease: another worker died or stalled mid-poll.',
    registers,
  });
  let held = 0;

  let readDestinations: () => Promise<{ destination: string; refused: boolean }[]> = async () => [];
  new Gauge({
    name: 'sancocho_destination_refused',
    help: 'Whether Discord refuses a digest destination (403 missing access, 404 unknown channel or webhook): 1 until a send there is accepted again. By destination: channel:<id>, webhook:<id> (never a token) or preview.',
    labelNames: ['destination'] as const,
    registers,
    async collect() {
      const lines = await readDestinations();
      this.reset();
      for (const line of lines) this.set({ destination: line.destination }, line.refused ? 1 : 0);
    },
  });

  // Known label values start at 0, so a dashboard shows a flat line instead of no series.
  for (const status of ['ok', 'not-modified', 'error'] as const) feedsPolled.inc({ status }, 0);
  for (const outcome of ['new', 'updated', 'duplicate'] as const) items.inc({ outcome }, 0);
  for (const source of ['offline', 'llm'] as const) classifications.inc({ source }, 0);
  let processMetrics = false;

  return {
    registry,
    feedPolled(report, at = Date.now()) {
      feedsPolled.inc({ status: report.status });
      if (report.status === 'error') fetchErrors.inc({ kind: report.errorKind ?? 'unknown' });
      else lastSuccess.set(Math.floor(at / 1000));
      items.inc({ outcome: 'new' }, report.new);
      items.inc({ outcome: 'updated' }, report.updated);
      items.inc({ outcome: 'duplicate' }, report.duplicate);
    },
    classified(bySource) {
      for (const source of ['offline', 'llm'] as const) classifications.inc({ source }, bySource[source]);
    },
    llmTokens(usage) {
      llmTokens.inc({ model: usage.model, kind: 'prompt' }, usage.promptTokens);
      llmTokens.inc({ model: usage.model, kind: 'completion' }, usage.completionTokens);
    },
    digestPartSent: (destination) => partsSent.inc({ destination }),
    digestPartFailed: (destination, kind) => partsFailed.inc({ destination, kind }),
    observeCommand: (command, seconds, outcome = 'ok') => commandSeconds.observe({ command, outcome }, seconds),
    leasesClaimed(count, takenOver) {
      held += count;
      leasesHeld.set(held);
      takeovers.inc(takenOver);
    },
    leasesReleased(count) {
      held = Math.max(0, held - count);
      leasesHeld.set(held);
    },
    leasesHeld: () => held,
    watchDestinations(read) {
      readDestinations = read;
    },
    collectProcessMetrics() {
      if (processMetrics) return;
      processMetrics = true;
      collectDefaultMetrics({ register: registry });
    },
  };
}
