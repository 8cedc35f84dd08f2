import { describeDestination } from '../config/destination.js';
import type { DigestStatus, DigestTrigger, OutboxDigest } from '../core/outbox.js';
import type { OutboxRepository } from './ports.js';

export interface DigestReport {
  schedule: string;
  digestId: number;
  trigger: DigestTrigger;
  /** Safe to print: "channel 123", "webhook 456", "preview". */
  destination: string;
  status: DigestStatus;
  stories: number;
  parts: number;
  sentParts: number;
  error: string | null;
  /** False when the digest existed already (the slot was built before); only its unsent parts went out. */
  created: boolean;
  /** Stories of the window left out because the destination already received them (when the digest was built now). */
  alreadyReceived?: number;
  /**
   * The theme sections also sent to channels that subscribed to them with /subscribe, one digest per
   * channel; present only when some route applies (bot mode, a routed theme the schedule covers).
   */
  routed?: DigestReport[];
}

/** Where an outbox digest stands now; a pending one carries its latest part error. */
export async function digestReport(outbox: Pick<OutboxRepository, 'get' | 'parts'>, digestId: number, created: boolean): Promise<DigestReport> {
  const digest = (await outbox.get(digestId)) as OutboxDigest;
  return {
    schedule: digest.schedule,
    digestId: digest.id,
    trigger: digest.trigger,
    destination: describeDestination({ key: digest.destination }),
    status: digest.status,
    stories: digest.stories,
    parts: digest.parts,
    sentParts: digest.sentParts,
    error: digest.error ?? (digest.status === 'pending' ? ((await outbox.parts(digest.id)).find((part) => part.lastError)?.lastError ?? null) : null),
    created,
  };
}
