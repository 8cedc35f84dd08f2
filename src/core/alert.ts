import type { ThemeId } from './themes.js';
import type { Language } from './types.js';

/**
 * The alert records every engine stores: why a story alerted a destination, and what was decided for
 * it (see src/alerts/ for the decision). Domain types, so the store can keep them without knowing the
 * stage that decides.
 */

/** Why a story alerts a destination; a story may have several reasons. */
export type AlertReason =
  | {
      kind: 'velocity';
      /** Distinct outlets that carried it within the window… */
      outlets: number;
      /** …between the first of them and the last (ms). */
      spanMs: number;
      /** The destination's theme it carries (its best-scored one). */
      theme: ThemeId;
    }
  | {
      kind: 'rule';
      theme: ThemeId;
      /** The rule's term that matched, as written in the config. */
      term: string;
      /** The rule's entity that matched, when the rule names entities. */
      entity?: string;
      /** Where it matched: the outlet of the first item whose text holds the term. */
      outlet: string;
    }
  | { kind: 'importance'; score: number; threshold: number; fact: string };

/**
 * A story already decided for the destination: posted, waiting for its slot, or handed to the
 * digest. Every one must be passed back to the next decisions, so a story is decided once.
 */
export interface AlertedStory {
  /** The alert's id in the outbox: `alert:<destination name>:<first lead item id>`. */
  alertId: string;
  /** Every item the alert (or its last edit) covered; a new cluster is the same story if it shares one. */
  itemIds: readonly number[];
  /** The distinct outlets the message shows, as of its last edit. */
  outlets: readonly string[];
  /** How many it showed when it was posted: an edit says how many joined since. */
  outletsAtAlert: number;
  /** Why it alerted, so an edit keeps saying it. */
  reasons: readonly AlertReason[];
  /**
   * `sent`: posted through the outbox (edits follow as outlets join); `waiting`: queued for a slot
   * (an edit updates the queued record); `to-digest`: handed to the digest, nothing more happens.
   */
  state: 'sent' | 'waiting' | 'to-digest';
  /** When it was first decided: a waiting alert's `queuedAt` for pacing. */
  decidedAt: number;
  /** When it went to the outbox to be posted: it counts towards the hourly limit from then; the edit's "since". */
  sentAt?: number;
  /** Why a `to-digest` story was held back from alerting: the digest says so beside it. */
  heldBecause?: HoldCause;
}

/** Why an alert went to the digest instead: the hourly limit, quiet hours, or a mute. */
export type HoldCause = 'rate' | 'quiet' | 'muted';

/** An alert as the digest sees it: the story went out as an alert at `sentAt`, or was handed to the digest. */
export interface AlertedItem {
  alertId: string;
  state: AlertedStory['state'];
  sentAt: number | null;
  /** Outlets the alert showed when it was posted: the marker's "+N outlets" counts from there. */
  outletsAtAlert: number;
  /** Why it was handed to the digest instead, when it was. */
  heldBecause: HoldCause | null;
}

/** A server's alert rule, set with `/alerts add`: a theme, optionally terms and a minimum of outlets, and the channel. */
export interface AlertRule {
  id: number;
  guildId: string;
  theme: ThemeId;
  /** Empty: the theme alerts by velocity (`minOutlets` outlets, default 3, within 3 hours). */
  terms: readonly string[];
  minOutlets: number | null;
  channelId: string;
  language: Language;
  createdBy: string;
  createdAt: number;
}

export type NewAlertRule = Omit<AlertRule, 'id'>;

/**
 * A server's own alert settings, set with `/alerts settings`: the time zone its quiet hours (and the
 * times its answers show) are read in, the quiet hours as minutes after local midnight, and its
 * hourly limit. A server that set nothing has DEFAULT_ALERT_SETTINGS.
 */
export interface AlertServerSettings {
  guildId: string;
  timezone: string;
  quietHours: { from: number; to: number } | null;
  maxPerHour: number;
}

export const DEFAULT_ALERT_SETTINGS: Omit<AlertServerSettings, 'guildId'> = { timezone: 'UTC', quietHours: null, maxPerHour: 4 };

/** What `/alerts settings` changes: only the settings given (quiet hours `null`: none). */
export type AlertSettingsChange = Pick<AlertServerSettings, 'guildId'> & Partial<Omit<AlertServerSettings, 'guildId'>>;

/** A server's pause of its alerts, set with `/alerts mute`: what comes up meanwhile goes to the digest. */
export interface AlertMute {
  guildId: string;
  until: number;
}
