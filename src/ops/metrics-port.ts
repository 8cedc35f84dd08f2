import type { Registry } from 'prom-client';

/**
 * What the stages record, without prom-client: a process with no health port never loads it (11 MB,
 * 0.3 s) and records into uncountedMetrics; with one, createMetrics (metrics.ts) counts.
 */

export type FeedPollStatus = 'ok' | 'not-modified' | 'error';
export type ClassificationSource = 'offline' | 'llm';
/** Where a digest part went; the destination kind keeps the label set small (no ids, no tokens). */
export type DigestDestinationKind = 'channel' | 'webhook' | 'preview';
/** The outbox outcomes that are not a send: worth retrying, refused by the destination, rejected as a message. */
export type DigestFailureKind = 'retry' | 'refused' | 'rejected';

/** What one poll of one feed did (a FeedReport fits). */
export interface FeedPollCounts {
  status: FeedPollStatus;
  errorKind?: string | undefined;
  new: number;
  updated: number;
  duplicate: number;
}

export interface Metrics {
  /** Where /metrics reads; present only when the process counts (a health port is configured). */
  readonly registry?: Registry | undefined;
  /** One poll of one feed, at `at` (ms): its outcome, error kind and the items it stored. */
  feedPolled(report: FeedPollCounts, at?: number): void;
  /** Items labelled in one classification run, by who labelled them. */
  classified(bySource: Record<ClassificationSource, number>): void;
  /** Tokens of one chat completion, as the LLM client records them in its ledger. */
  llmTokens(usage: { model: string; promptTokens: number; completionTokens: number }): void;
  digestPartSent(destination: DigestDestinationKind): void;
  digestPartFailed(destination: DigestDestinationKind, kind: DigestFailureKind): void;
  /** How long one slash command took to answer, in seconds. */
  observeCommand(name: string, seconds: number, outcome?: 'ok' | 'error'): void;
  /** Feeds this worker leased in one claim, and how many of them it took over from an expired lease. */
  leasesClaimed(count: number, takeovers: number): void;
  /** Leases this worker ended. */
  leasesReleased(count: number): void;
  /** The feed leases this worker holds right now (/healthz shows it). */
  leasesHeld(): number;
  /** Adds Node's process metrics (memory, CPU, event loop); done once, when /metrics is served. */
  collectProcessMetrics(): void;
  /** Where `sancocho_destination_refused` reads, at every scrape, which destinations Discord refuses. */
  watchDestinations(read: () => Promise<{ destination: string; refused: boolean }[]>): void;
}

/** Records nothing: nobody can scrape a process without a health port. */
export function uncountedMetrics(): Metrics {
  const ignore = (): void => undefined;
  return {
    feedPolled: ignore,
    classified: ignore,
    llmTokens: ignore,
    digestPartSent: ignore,
    digestPartFailed: ignore,
    observeCommand: ignore,
    leasesClaimed: ignore,
    leasesReleased: ignore,
    leasesHeld: () => 0,
    collectProcessMetrics: ignore,
    watchDestinations: ignore,
  };
}
