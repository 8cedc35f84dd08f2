import { describeDestination, type Destination } from '../config/destination.js';
import { backoffDelay } from '../core/backoff.js';
import type { Logger } from '../core/logger.js';
import type { OutboxPart } from '../core/outbox.js';
import type { Metrics } from '../ops/metrics.js';
import type { Deliverer, DeliveryOutcome, OutboxPayload } from './deliverer.js';
import type { Destinations } from './destinations.js';
import { holdLease } from './hold-lease.js';
import type { OutboxRepository } from './ports.js';

export interface RetryPolicy {
  /** Wait after the first failed attempt; doubles each time. */
  baseMs: number;
  maxMs: number;
  /** Attempts before a part (and the rest of its digest) is given up. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 10 };

export interface OutboxSender {
  /** Sends the unsent parts: of one digest, or of every pending digest (oldest first). */
  flush(digestId?: number): Promise<void>;
  /** True once stop() was called: callers start nothing new. */
  readonly stopping: boolean;
  /** Sends nothing more and waits for the send in flight. */
  stop(): Promise<void>;
}

export interface OutboxSenderDeps {
  outbox: OutboxRepository;
  destinations: Pick<Destinations, 'byKey'>;
  deliverer: Deliverer;
  logger: Logger;
  now: () => number;
  retry: RetryPolicy;
  metrics?: Pick<Metrics, 'digestPartSent' | 'digestPartFailed'> | undefined;
  /** Aborted when Sancocho stops and stops waiting: a send in flight gives up (`interrupted`). */
  signal?: AbortSignal | undefined;
  /** This worker's name on the part leases, and how long a lease lasts unless renewed. */
  lease: { owner: string; ms: number };
}

/**
 * Sends the outbox's parts in order, each marked sent only after Discord accepted it; a part that
 * failed waits with backoff and is given up after `retry.maxAttempts`. Each part is leased before
 * it is sent, so of several workers flushing the same outbox exactly one sends it.
 */
export function createOutboxSender(deps: OutboxSenderDeps): OutboxSender {
  const { outbox, logger: log, now, retry } = deps;
  let stopping = false;
  let chain: Promise<unknown> = Promise.resolve();
  const warnedWaiting = new Set<string>();

  /** Sends are serialized: one part at a time, so order holds and stop() waits for one write only. */
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = chain.then(work, work);
    chain = run.catch(() => undefined);
    return run;
  }

  async function flushDigest(id: number): Promise<void> {
    const digest = await outbox.get(id);
    if (!digest || digest.status !== 'pending') return;
    const destination = deps.destinations.byKey(digest.destination);
    const label = describeDestination({ key: digest.destination });
    if (!destination) {
      const error = `${label} is no longer in the configuration; its unsent parts are dropped`;
      await outbox.markFailed(id, error, now());
      log.error({ digest: id, schedule: digest.schedule }, `digest-job: ${error}`);
      return;
    }
    if (!deps.deliverer.canDeliver(destination)) {
      if (!warnedWaiting.has(digest.destination)) {
        warnedWaiting.add(digest.destination);
        log.warn({ digest: id, destination: label }, `digest-job: digest ${id} waits for DISCORD_TOKEN to post to ${label}`);
      }
      return;
    }
    for (const listed of await outbox.parts(id)) {
      if (listed.status === 'sent') continue;
      if (listed.status === 'failed' || listed.nextAttemptAt > now() || stopping) return;
      // Another worker holds the part (or has just sent it): that worker carries the digest on, in order.
      const part = await outbox.leasePart(id, listed.part, { ...deps.lease, now: now() });
      if (!part) return;
      const hold = {
        renew: () => outbox.renewPartLease(id, part.part, { ...deps.lease, now: now() }),
        everyMs: Math.max(1, Math.floor(deps.lease.ms / 3)),
        what: `digest ${id} part ${part.part}`,
        logger: log,
      };
      const next = await holdLease(hold, () => sendPart(digest, destination, label, part)).finally(() =>
        outbox.releasePart(id, part.part, deps.lease.owner),
      );
      if (next === 'stop') return;
    }
  }

  /** Sends one leased part and records the outcome; `stop` leaves the digest's later parts for later. */
  async function sendPart(
    digest: { id: number; destination: string },
    destination: Destination,
    label: string,
    part: OutboxPart,
  ): Promise<'next' | 'stop'> {
    const id = digest.id;
    // Read again under the lease: another worker may have tried it since it was listed.
    if (part.nextAttemptAt > now()) return 'stop';
    const payload = await withFile(id, part, JSON.parse(part.payload) as OutboxPayload);
    if (payload === null) {
      const error = `part ${part.part} names the file ${part.fileName} but the outbox has no bytes for it; not sending it without its file`;
      await outbox.markFailed(id, error, now());
      log.error({ digest: id, part: part.part }, `digest-job: digest ${id} ${error}`);
      return 'stop';
    }
    const edited = part.editOf == null ? null : await editedMessage(part.editOf);
    if (edited?.kind === 'wait') return 'stop';
    if (edited?.kind === 'failed') {
      await outbox.markFailed(id, edited.reason, now());
      log.error({ digest: id, editOf: part.editOf }, `digest-job: digest ${id} is an edit, but ${edited.reason}; not sent`);
      return 'stop';
    }
    // Recorded before the request leaves: if this process dies mid-send, the next one knows to look.
    await outbox.markAttempt(id, part.part, now());
    const outcome = edited
      ? await sendEdit(destination, edited.messageId, await newestEdit(part.editOf as number, payload))
      : await deps.deliverer.send(destination, payload, { nonce: part.nonce, earlierAttemptAt: part.attemptedAt, signal: deps.signal });
    if (outcome.kind === 'sent') deps.metrics?.digestPartSent(destination.kind);
    else if (outcome.kind !== 'interrupted') deps.metrics?.digestPartFailed(destination.kind, outcome.kind);
    const at = now();
    switch (outcome.kind) {
      case 'sent':
        await outbox.markSent(id, part.part, outcome.messageId, at);
        await outbox.clearDestinationError(digest.destination);
        return 'next';
      case 'retry': {
        const attempts = part.attempts + 1;
        if (attempts >= retry.maxAttempts) {
          await outbox.markFailed(id, `gave up after ${attempts} attempts: ${outcome.reason}`, at);
          log.error({ digest: id, part: part.part, reason: outcome.reason }, `digest-job: digest ${id} part ${part.part} given up after ${attempts} attempts`);
          return 'stop';
        }
        const wait = Math.max(outcome.retryAfterMs ?? 0, backoffDelay(attempts - 1, retry));
        await outbox.markRetry(id, part.part, outcome.reason, at + wait);
        log.warn(
          { digest: id, part: part.part, attempts, retryInMs: wait, reason: outcome.reason },
          `digest-job: digest ${id} part ${part.part} not sent; retrying in ${Math.ceil(wait / 1000)}s`,
        );
        return 'stop';
      }
      case 'refused':
        await outbox.recordDestinationError(digest.destination, outcome.reason, at);
        await outbox.markFailed(id, outcome.reason, at);
        log.error({ digest: id, destination: label, reason: outcome.reason }, `digest-job: ${outcome.reason}; not retrying`);
        return 'stop';
      case 'rejected':
        await outbox.markFailed(id, outcome.reason, at);
        log.error({ digest: id, part: part.part, reason: outcome.reason }, `digest-job: ${outcome.reason}`);
        return 'stop';
      case 'interrupted':
        log.info(
          { digest: id, part: part.part, destination: label },
          `digest-job: stopped while digest ${id} part ${part.part} was on its way to ${label}; the next start checks whether it arrived before sending it`,
        );
        return 'stop';
    }
  }

  /**
   * What an edit PATCHes: the newest text queued for that message, so an edit retried after a later
   * one went out never puts the older text back.
   */
  async function newestEdit(postDigestId: number, own: OutboxPayload): Promise<OutboxPayload> {
    const latest = await outbox.latestEdit(postDigestId);
    return latest === undefined ? own : (JSON.parse(latest) as OutboxPayload);
  }

  /** An alert's edit PATCHes the message its post got, known only once that post was sent. */
  async function editedMessage(editOf: number): Promise<{ kind: 'message'; messageId: string } | { kind: 'wait' } | { kind: 'failed'; reason: string }> {
    const [post] = await outbox.parts(editOf);
    if (post?.status === 'sent' && post.messageId !== null) return { kind: 'message', messageId: post.messageId };
    if (post?.status === 'pending') return { kind: 'wait' };
    return { kind: 'failed', reason: `the message it edits (digest ${editOf}) was never posted` };
  }

  function sendEdit(destination: Destination, messageId: string, payload: OutboxPayload): Promise<DeliveryOutcome> {
    if (!deps.deliverer.edit) return Promise.resolve({ kind: 'rejected', reason: `${deps.deliverer.mode} mode cannot edit a message` });
    return deps.deliverer.edit(destination, messageId, payload, { signal: deps.signal });
  }

  /** The part's file, read only for the part that carries one (a chart is tens of kilobytes); null when its bytes are missing. */
  async function withFile(id: number, part: OutboxPart, payload: OutboxPayload): Promise<OutboxPayload | null> {
    if (!part.fileName) return payload;
    const file = await outbox.partFile(id, part.part);
    return file ? { ...payload, file } : null;
  }

  return {
    flush(digestId) {
      return exclusive(async () => {
        const ids = digestId === undefined ? await outbox.pendingDigestIds() : [digestId];
        for (const id of ids) {
          if (stopping) return;
          await flushDigest(id);
        }
      });
    },
    get stopping() {
      return stopping;
    },
    async stop() {
      stopping = true;
      await chain;
    },
  };
}
