import type { AlertReason, AlertedStory } from '../core/alert.js';
import type { DigestItem, Story } from '../digest/digest-types.js';

export type { AlertReason, AlertedStory } from '../core/alert.js';

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
