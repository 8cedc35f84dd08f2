import type { HoldCause } from '../core/alert.js';
import { nextAllowedTime, type QuietHours } from './quiet-hours.js';

const HOUR = 3_600_000;

/** An alert that cannot go out within this long of being decided is no longer "now": the digest carries it. */
export const MAX_WAIT_MS = 6 * HOUR;

export interface PacingSettings {
  /** Alerts per rolling hour. */
  maxPerHour: number;
  quietHours?: QuietHours | undefined;
  /** The zone quiet hours are read in. */
  timezone: string;
  /** No alert before this time (ms); what comes up meanwhile goes to the digest. */
  mutedUntil?: number | undefined;
}

/** What happens to one new alert now. Edits of alerts already posted are not paced: they notify no one. */
export type Pace =
  | { kind: 'send' }
  /** Queued: ask again at or after `until` (its slot is held, so later alerts queue behind it). */
  | { kind: 'wait'; until: number; because: 'rate' | 'quiet' }
  /** Not an alert after all: the next digest carries the story in full, marked as held back and why. */
  | { kind: 'to-digest'; because: HoldCause };

export interface PendingAlert {
  alertId: string;
  /** When the alert was first decided; the ones decided this cycle have `now`. */
  queuedAt: number;
}

/**
 * No flood, pure: at most `maxPerHour` alerts in any rolling hour (counting those already posted,
 * `sentAt`), none in quiet hours, none while muted. Alerts are taken oldest first (earlier ones
 * waiting before this cycle's; this cycle's in the order given, most pressing first). One that cannot
 * go now waits for the first moment it can — the hour's oldest alert leaving the window, the end of
 * the quiet hours — unless that is at or after `handOffAt` (the destination's next digest) or more
 * than `maxWaitMs` after it was decided: then it is handed to the digest. Nothing is dropped: every
 * alert gets exactly one outcome.
 */
export function paceAlerts(input: {
  now: number;
  settings: PacingSettings;
  sentAt: readonly number[];
  alerts: readonly PendingAlert[];
  handOffAt?: number | undefined;
  maxWaitMs?: number;
}): Map<string, Pace> {
  const { now, settings } = input;
  const maxWaitMs = input.maxWaitMs ?? MAX_WAIT_MS;
  const slots = input.sentAt.filter((at) => at > now - HOUR).sort((a, b) => a - b);
  const ordered = input.alerts.map((alert, index) => ({ alert, index })).sort((a, b) => a.alert.queuedAt - b.alert.queuedAt || a.index - b.index);
  const result = new Map<string, Pace>();
  for (const { alert } of ordered) {
    if (settings.mutedUntil !== undefined && now < settings.mutedUntil) {
      result.set(alert.alertId, { kind: 'to-digest', because: 'muted' });
      continue;
    }
    const { at, because } = earliestSlot(now, slots, settings);
    if (at <= now) {
      result.set(alert.alertId, { kind: 'send' });
      slots.push(now);
    } else if ((input.handOffAt !== undefined && at >= input.handOffAt) || at - alert.queuedAt > maxWaitMs) {
      result.set(alert.alertId, { kind: 'to-digest', because: because ?? 'rate' });
    } else {
      result.set(alert.alertId, { kind: 'wait', until: at, because: because ?? 'rate' });
      slots.push(at);
    }
  }
  return result;
}

/**
 * The first time from `from` outside quiet hours with fewer than `maxPerHour` of `slots` in the hour
 * before it. Every time skipped is quiet or has a full hour behind it, so alerts taken one after the
 * other get slots in order, and an hour counted here never has a later slot that should be counted.
 */
function earliestSlot(from: number, slots: readonly number[], settings: PacingSettings): { at: number; because: 'rate' | 'quiet' | null } {
  let at = from;
  let because: 'rate' | 'quiet' | null = null;
  for (;;) {
    const open = nextAllowedTime(at, settings.quietHours, settings.timezone);
    if (open > at) {
      because ??= 'quiet';
      at = open;
    }
    const inHour = slots.filter((slot) => slot > at - HOUR && slot <= at);
    if (inHour.length < settings.maxPerHour) return { at, because };
    because ??= 'rate';
    at = (inHour[inHour.length - settings.maxPerHour] as number) + HOUR;
  }
}
