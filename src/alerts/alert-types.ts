import type { ThemeId } from '../core/themes.js';
import type { DigestItem, Story } from '../digest/digest-types.js';

/** A stored item as alerting sees it: what a digest sees, plus its text and whether it is backlog. */
export interface AlertItem extends DigestItem {
  /** Plain text; empty for headline-only feeds. Rules look for their terms in title and summary. */
  summary: string;
  /** A new feed's archive: never alerts, and never counts towards an alert. */
  backlog: boolean;
  /** With an `llm` section: the model's importance score for the item and the fact it named. */
  importance?: Importance;
}

/** Grounded importance: a score without the fact that makes the story important does not count. */
export interface Importance {
  /** In [0, 1]. */
  score: number;
  /** What happened that people would want to know now, in the model's words. */
  fact: string;
}

/** A story cluster with its items as alerting sees them. */
export interface AlertStory {
  story: Story;
  /** The story's items, in the story's order. */
  items: AlertItem[];
}

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
}

export type AlertDecision =
  | { kind: 'new'; alertId: string; story: AlertStory; reasons: AlertReason[] }
  | {
      /** Only for a story `sent` or `waiting`. */
      kind: 'edit';
      alertId: string;
      story: AlertStory;
      /** What the message said so far. */
      previous: AlertedStory;
      /** Outlets that joined since, in the story's order. */
      added: string[];
    };
