import type { DiscordMessageBody } from '../digest/split-messages.js';
import type { Destination } from '../config/destination.js';
import type { OutboxFile } from '../core/outbox.js';

/**
 * What one outbox part carries: a Discord message, or the Markdown of a previewed digest; either may
 * come with a file (a briefing's chart), which the outbox keeps beside the JSON rather than in it.
 */
export type OutboxPayload =
  | { type: 'discord'; body: DiscordMessageBody; file?: OutboxFile | undefined }
  | { type: 'markdown'; markdown: string; fileName: string; file?: OutboxFile | undefined };

/**
 * The result of sending one part. Expected failures are values:
 * - `retry`: worth another attempt later (5xx after discord.js's own retries, a long 429, network);
 * - `refused`: the destination refuses us (403 missing access, 404 unknown channel or webhook,
 *   401 bad token); recorded for the destination, not retried;
 * - `rejected`: Discord refused this message itself (400): a bug on our side, not retried;
 * - `interrupted`: Sancocho is stopping and gave up waiting for Discord. Whether the message was
 *   created is unknown, so the part stays in flight and is looked up before it is sent again.
 */
export type DeliveryOutcome =
  | { kind: 'sent'; messageId: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'interrupted' };

export interface SendOptions {
  /** The part's idempotency key, sent with channel messages (`enforce_nonce`). */
  nonce: string;
  /**
   * When an earlier send of this part began whose outcome was never recorded (a crash, a stop, a
   * lost answer): the message may be in the channel already, long after Discord forgot the nonce.
   */
  earlierAttemptAt?: number | null | undefined;
  /** Aborted when Sancocho stops: the send gives up at once (`interrupted`). */
  signal?: AbortSignal | undefined;
}

export interface Deliverer {
  mode: 'bot' | 'webhook' | 'preview';
  /** Whether this process can deliver to the destination now (a channel needs the bot). */
  canDeliver(destination: Destination): boolean;
  send(destination: Destination, payload: OutboxPayload, options: SendOptions): Promise<DeliveryOutcome>;
  /**
   * Replaces the content of a message sent earlier (an alert's "+N outlets"). Idempotent: an edit
   * sent twice leaves the same message. `sent` carries the same message id.
   */
  edit?(destination: Destination, messageId: string, payload: OutboxPayload, options: Pick<SendOptions, 'signal'>): Promise<DeliveryOutcome>;
  close(): Promise<void>;
}
