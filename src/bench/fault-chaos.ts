import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The fault scenario's kills and counts, shared by `sancocho bench --scenario faults` and the
 * kill-workers test: where each kill -9 is aimed (read from the leases in the store), and what the
 * run shows afterwards (items stored, feed requests per interval, digest parts posted).
 */

export type FaultPhase = 'poll' | 'digest' | 'send';

export interface FaultKill {
  at: number;
  worker: number;
  pid: number;
  phase: FaultPhase;
  detail: string;
}

/** What the chaos needs of a run: its store, its workers and its Discord. */
export interface ChaosTarget {
  query<Row extends object>(sql: string): Promise<Row[]>;
  /** The live process id in each worker slot. */
  pids(): (number | null)[];
  /** Kills the slot's worker with SIGKILL, waits for its exit and starts another in its slot. */
  killAndRestart(slot: number): Promise<void>;
  /** The next message Discord creates is never answered: its sender is left waiting. */
  holdNextMessage(): void;
  messagePosts(): number;
}

export interface ChaosPlan {
  /** Kills in all: the mid-poll ones spread over `minMs`. */
  kills: number;
  /** The digests' period (a minute, or seconds in a small run): kills mid-digest and mid-send are aimed at its boundaries. */
  digestEveryMs: number;
  /** The chaos lasts until at least this long after `startedAt`, and goes on to this long while a boundary kill has not landed. */
  minMs: number;
  maxMs: number;
  /** When the run began (its workers' start); default: when the chaos begins. */
  startedAt?: number;
  /** Pause between mid-poll kills, drawn uniformly; longer when the kills left are few for the time left. */
  pauseMs: [number, number];
  note?: (line: string) => void;
}

const pidOfOwner = (owner: string) => Number(owner.split(':')[1]);

/**
 * Kill -9 at random moments, each worker restarted at once: mid-poll (a live feed lease), and at
 * each digest boundary one kill while the slot is being built (its claim held) and one while Discord
 * holds the answer to a part it already created (the part's lease held): `plan.kills` in all, one of
 * each boundary kind among them (unless `plan.maxMs` passes first), over at least `plan.minMs`.
 */
export async function runChaos(target: ChaosTarget, plan: ChaosPlan): Promise<{ kills: FaultKill[]; aimed: { digest: number; send: number } }> {
  const startedAt = plan.startedAt ?? Date.now();
  const lead = Math.min(6_000, plan.digestEveryMs / 3);
  const kills: FaultKill[] = [];
  const aimed = { digest: 0, send: 0 };
  const toBoundary = () => plan.digestEveryMs - (Date.now() % plan.digestEveryMs);
  const pause = () => {
    const left = plan.kills - kills.length;
    const spacing = left > 0 ? (plan.minMs - (Date.now() - startedAt)) / left : 0;
    // Half to all of the even spacing: the last kill lands by `minMs` rather than past it.
    const [low, high] = spacing > plan.pauseMs[1] ? [spacing / 2, spacing] : plan.pauseMs;
    return low + Math.random() * (high - low);
  };

  /** Waits until `find` names a live worker's lease, then kills that worker; false when none showed in time. */
  const killOwner = async (phase: FaultPhase, detail: string, find: () => Promise<string[]>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const pids = target.pids();
      const slots = (await find()).map((owner) => pids.indexOf(pidOfOwner(owner))).filter((slot) => slot >= 0);
      if (slots.length > 0) {
        const slot = slots[Math.floor(Math.random() * slots.length)]!;
        kills.push({ at: Date.now(), worker: slot, pid: pids[slot]!, phase, detail });
        plan.note?.(`kill ${kills.length}: worker ${slot} ${phase}`);
        await target.killAndRestart(slot);
        return true;
      }
      await sleep(20);
    }
    return false;
  };
  const owners = async (sql: string) => (await target.query<{ owner: string }>(sql)).map((row) => row.owner);
  const feedLeases = () => owners(`SELECT DISTINCT lease_owner AS owner FROM feeds WHERE lease_owner IS NOT NULL AND lease_until > ${Date.now()}`);
  const slotClaims = () => owners(`SELECT owner FROM digest_claims WHERE expires_at > ${Date.now()}`);
  const partLeases = () =>
    owners(`SELECT DISTINCT lease_owner AS owner FROM digest_parts WHERE status = 'pending' AND lease_owner IS NOT NULL AND lease_expires_at > ${Date.now()}`);

  let holdQueued = false;
  for (;;) {
    const elapsed = Date.now() - startedAt;
    const missing = (aimed.digest === 0 ? 1 : 0) + (aimed.send === 0 ? 1 : 0);
    const aiming = missing > 0 && elapsed < plan.maxMs;
    // Twice maxMs: no mid-poll kill found a feed polled (none due) for that long; the counts still tell.
    if ((kills.length >= plan.kills && elapsed >= plan.minMs && !aiming) || elapsed >= plan.maxMs * 2) break;
    if (aiming && toBoundary() < lead) {
      // The next part posted is created by Discord, whose answer then never comes: its sender dies waiting.
      if (!holdQueued) target.holdNextMessage();
      holdQueued = true;
      const posts = target.messagePosts();
      await sleep(toBoundary());
      if (aimed.digest === 0 && (await killOwner('digest', 'its slot claim held (building the digest)', slotClaims, 4_000))) aimed.digest += 1;
      if (aimed.send === 0 && (await until(async () => target.messagePosts() > posts, Math.min(25_000, Math.max(plan.digestEveryMs, 10_000)), 100))) {
        holdQueued = false;
        if (await killOwner('send', 'Discord created the part and holds its answer', partLeases, 5_000)) aimed.send += 1;
      }
      continue;
    }
    // While a boundary kill is missing, the last kills are kept for it and no poll kill runs into a boundary.
    const pollsLeft = kills.length < plan.kills - (aiming ? missing : 0);
    if (!pollsLeft && !aiming) {
      await sleep(Math.max(0, plan.minMs - elapsed));
      continue;
    }
    await sleep(aiming ? (pollsLeft ? Math.min(pause(), toBoundary() - lead) : toBoundary() - lead) : pause());
    if (pollsLeft && (!aiming || toBoundary() >= lead)) {
      await killOwner('poll', 'a feed lease held (request in flight or items being stored)', feedLeases, aiming ? Math.max(0, toBoundary() - lead) : 8_000);
    }
  }
  return { kills, aimed };
}

/** Polls `condition` every `everyMs` until it holds (true) or time runs out (false). */
export async function until(condition: () => Promise<boolean>, timeoutMs: number, everyMs = 1_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(Math.min(everyMs, 100 + Math.max(0, deadline - Date.now())));
  }
  return false;
}

/**
 * After the chaos: one last round of every feed (made due again until each has answered once and no
 * lease is held: a poll in flight at the first update records its own next due time over it), then
 * the next digest built and every part sent (a dead worker's parts go out with the retry).
 */
export async function settle(
  target: Pick<ChaosTarget, 'query'> & { feedUrls: readonly string[]; polledSince(at: number): ReadonlySet<string> },
  options: { digestEveryMs: number; roundTimeoutMs: number; sendTimeoutMs: number },
): Promise<{ finalRoundAt: number; finalRound: boolean; allSent: boolean }> {
  const finalRoundAt = Date.now();
  const finalRound = await until(async () => {
    const done = target.polledSince(finalRoundAt);
    const left = target.feedUrls.filter((url) => !done.has(url));
    const quoted = left.map((url) => `'${url.replace(/'/g, "''")}'`).join(',');
    if (left.length > 0) await target.query(`UPDATE feeds SET next_due_at = 0 WHERE lease_owner IS NULL AND url IN (${quoted})`);
    return left.length === 0 && (await target.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM feeds WHERE lease_owner IS NOT NULL`))[0]!.n === 0;
  }, options.roundTimeoutMs);
  const lastSlot = Date.now() + options.digestEveryMs - (Date.now() % options.digestEveryMs);
  const allSent = await until(async () => {
    const [row] = await target.query<{ built: number; unsent: number }>(
      `SELECT (SELECT COUNT(*)::int FROM digests WHERE slot_at >= ${lastSlot}) AS built, (SELECT COUNT(*)::int FROM digest_parts WHERE status <> 'sent') AS unsent`,
    );
    return row!.built > 0 && row!.unsent === 0;
  }, options.sendTimeoutMs);
  return { finalRoundAt, finalRound, allSent };
}

export interface RepollFigure {
  /** The most requests one feed got within one interval (1 when every feed was polled once per interval). */
  maxPerInterval: number;
  /** Second requests within an interval: each a takeover after a lease expired (its holder killed, or outlived on a loaded machine), or not. */
  early: { feed: string; gapMs: number; afterLeaseExpiry: boolean; afterKill: boolean }[];
}

/**
 * Feed requests per interval, pure: for each feed, its requests' times in order; a request less than
 * an interval (less `slackMs`) after the one before is early, and it is a takeover when at least a
 * lease's length passed between the two (a dead worker's lease had to expire first).
 */
export function feedRepolls(
  requests: readonly { feed: string; at: number }[],
  kills: readonly { at: number }[],
  options: { intervalMs: number; leaseMs: number; slackMs: number },
): RepollFigure {
  const byFeed = new Map<string, number[]>();
  for (const request of requests) byFeed.set(request.feed, [...(byFeed.get(request.feed) ?? []), request.at]);
  let maxPerInterval = 0;
  const early: RepollFigure['early'] = [];
  for (const [feed, times] of byFeed) {
    times.sort((a, b) => a - b);
    let from = 0;
    for (let i = 0; i < times.length; i++) {
      while (times[i]! - times[from]! >= options.intervalMs - options.slackMs) from++;
      maxPerInterval = Math.max(maxPerInterval, i - from + 1);
      if (i === 0) continue;
      const [before, after] = [times[i - 1]!, times[i]!];
      if (after - before >= options.intervalMs - options.slackMs) continue;
      early.push({
        feed,
        gapMs: after - before,
        afterLeaseExpiry: after - before >= options.leaseMs - options.slackMs,
        afterKill: kills.some((kill) => kill.at >= before && kill.at <= after),
      });
    }
  }
  return { maxPerInterval, early };
}

/** SQL of the item counts: rows, distinct guids, and feed links (each equal to the stories served when each is stored once). */
export const STORED_ITEMS_SQL = `SELECT COUNT(*)::int AS rows, COUNT(DISTINCT guid)::int AS guids, (SELECT COUNT(*)::int FROM item_feeds) AS links FROM items`;
export const DIGEST_PARTS_SQL = `SELECT digest_id, part, status, message_id, nonce FROM digest_parts ORDER BY digest_id, part`;

export interface PartFigure {
  parts: number;
  sent: number;
  /** Messages Discord created in the channel. */
  posted: number;
  /** Messages beyond the first with the same text, or the same nonce. */
  duplicates: number;
  /** Parts not sent, or whose recorded message Discord does not have. */
  lost: number;
}

/** Digest parts against the messages Discord created, pure. */
export function partCounts(
  parts: readonly { status: string; message_id: string | null }[],
  messages: readonly { id: string; nonce: string | null; text: string }[],
): PartFigure {
  const ids = new Set(messages.map((message) => message.id));
  const byText = messages.length - new Set(messages.map((message) => message.text)).size;
  const byNonce = messages.length - new Set(messages.map((message) => message.nonce)).size;
  return {
    parts: parts.length,
    sent: parts.filter((part) => part.status === 'sent').length,
    posted: messages.length,
    duplicates: Math.max(byText, byNonce),
    lost: parts.filter((part) => part.status !== 'sent' || part.message_id === null || !ids.has(part.message_id)).length,
  };
}
