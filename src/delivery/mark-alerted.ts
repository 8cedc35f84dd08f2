import { ALERT_WORDS } from '../alerts/alert-labels.js';
import { digestAlertMarker } from '../alerts/render-alert.js';
import type { Digest, RankedStory } from '../digest/digest-types.js';
import type { AlertedItem } from '../core/alert.js';

/**
 * The digest as its destination should get it after alerts, pure: a story that went out there as an
 * alert (one of its items is covered by a sent alert) becomes a one-line marker with the time of the
 * alert and how many outlets joined since; stories handed to the digest instead stay in full, marked
 * as held back and why (the hourly limit, quiet hours, a mute), so no one wonders why they got no alert.
 */
export function markAlerted(digest: Digest, alerted: ReadonlyMap<number, AlertedItem>): Digest {
  if (alerted.size === 0) return digest;
  const mark = (story: RankedStory): RankedStory => {
    const records = story.items.map((item) => alerted.get(item.id));
    const alert = records.find((entry) => entry?.state === 'sent' && entry.sentAt !== null);
    if (!alert) {
      const held = records.find((entry) => entry?.state === 'to-digest' && entry.heldBecause !== null)?.heldBecause;
      return held ? { ...story, held: digestAlertMarker({ kind: 'held', because: held }, digest.language, digest.timezone) } : story;
    }
    const joined = story.outlets.length - alert.outletsAtAlert;
    return {
      ...story,
      alerted: {
        label: digestAlertMarker({ kind: 'alerted', at: alert.sentAt as number }, digest.language, digest.timezone),
        note: joined > 0 ? ALERT_WORDS[digest.language].joinedSince(joined) : undefined,
      },
    };
  };
  return { ...digest, sections: digest.sections.map((section) => ({ ...section, stories: section.stories.map(mark) })) };
}
