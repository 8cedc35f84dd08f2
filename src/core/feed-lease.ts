import type { FeedRow } from './feed.js';

/** What a poller asks for: due feeds, leased to it until `until`. */
export interface ClaimRequest {
  /** The worker's id (core/worker-id.ts): the lease's owner. */
  owner: string;
  now: number;
  until: number;
  /** At most this many feeds (the poller's free slots). */
  limit: number;
  /** Live leases on one host, whoever holds them, never exceed this (polling.perHostConcurrency). */
  perHost: number;
}

/** The feeds a claim leased, and how many of them came from an expired lease (a worker that died). */
export interface FeedClaim {
  feeds: FeedRow[];
  takeovers: { feedId: number; previousOwner: string }[];
}

/** A due feed that could be claimed; `leaseOwner` is set when its lease expired. */
export interface ClaimCandidate {
  id: number;
  url: string;
  leaseOwner: string | null;
}

/** The host politeness limits count by: host and port, as the HTTP pool does. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Which candidates (by due time) one claim takes: at most `limit`, and no more of one host than
 * `perHost` minus the live leases on that host (`leased`, the URLs of feeds leased right now).
 */
export function pickClaims(candidates: readonly ClaimCandidate[], leased: readonly string[], limit: number, perHost: number): ClaimCandidate[] {
  const busy = new Map<string, number>();
  for (const url of leased) busy.set(hostOf(url), (busy.get(hostOf(url)) ?? 0) + 1);
  const picked: ClaimCandidate[] = [];
  for (const candidate of candidates) {
    if (picked.length >= limit) break;
    const host = hostOf(candidate.url);
    const held = busy.get(host) ?? 0;
    if (held >= perHost) continue;
    busy.set(host, held + 1);
    picked.push(candidate);
  }
  return picked;
}

/**
 * How many due feeds a claim looks at: enough that a few busy hosts at the head of the queue do
 * not hide the due feeds of other hosts behind them.
 */
export function claimScanSize(limit: number): number {
  return Math.max(200, limit * 20);
}
