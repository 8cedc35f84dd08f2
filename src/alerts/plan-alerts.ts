import type { AlertDestinationConfig } from '../config/config-schema.js';
import type { DiscordMessageBody } from '../digest/split-messages.js';
import type { AlertStory, AlertedStory } from './alert-types.js';
import { decideAlerts, type AlertPolicy } from './decide-alerts.js';
import { paceAlerts, type Pace } from './pace-alerts.js';
import { renderAlert, renderAlertEdit } from './render-alert.js';

/**
 * What to do for one destination after a poll cycle, each with the record to keep (see
 * `AlertedStory`): a `post`'s or an `edit`'s record is written in the same transaction as its
 * message in the outbox, which sends it exactly once, as it does digests; the others' records are
 * written as they are.
 */
export type AlertAction =
  | { kind: 'post'; alertId: string; body: DiscordMessageBody; record: AlertedStory }
  | { kind: 'edit'; alertId: string; body: DiscordMessageBody; record: AlertedStory }
  | { kind: 'wait'; alertId: string; until: number; record: AlertedStory }
  /** A waiting alert whose story gained outlets: only its record changes; it is rendered when it goes. */
  | { kind: 'update'; alertId: string; record: AlertedStory }
  | { kind: 'to-digest'; alertId: string; because: Extract<Pace, { kind: 'to-digest' }>['because']; record: AlertedStory };

/**
 * One destination's alerts for this cycle, pure: decide (new, edit), then pace the new ones together
 * with the ones waiting from earlier cycles, then render what goes now. `alerted` is every record
 * kept for the destination (the stories sent, waiting and handed to the digest of the last day at
 * least); `handOffAt` is the destination's next digest, when it has one.
 */
export function planAlerts(input: {
  destination: Pick<AlertDestinationConfig, 'language' | 'timezone' | 'maxPerHour' | 'quietHours' | 'mutedUntil'>;
  policy: AlertPolicy;
  stories: readonly AlertStory[];
  alerted: readonly AlertedStory[];
  now: number;
  handOffAt?: number | undefined;
}): AlertAction[] {
  const { destination, now } = input;
  const view = { language: destination.language, timezone: destination.timezone };
  const decisions = decideAlerts(input);
  const edits = new Map(decisions.flatMap((decision) => (decision.kind === 'edit' ? [[decision.alertId, decision] as const] : [])));
  const fresh = decisions.flatMap((decision) => (decision.kind === 'new' ? [decision] : []));
  const waiting = input.alerted.filter((record) => record.state === 'waiting');
  const paced = paceAlerts({
    now,
    settings: destination,
    sentAt: input.alerted.flatMap((record) => (record.sentAt === undefined ? [] : [record.sentAt])),
    alerts: [
      ...waiting.map((record) => ({ alertId: record.alertId, queuedAt: record.decidedAt })),
      ...fresh.map((decision) => ({ alertId: decision.alertId, queuedAt: now })),
    ],
    handOffAt: input.handOffAt,
  });
  const actions: AlertAction[] = [];

  for (const record of waiting) {
    const edit = edits.get(record.alertId);
    const current = edit ? { ...record, ...covered(edit.story, record) } : record;
    const story = edit?.story ?? input.stories.find((candidate) => candidate.items.some((item) => record.itemIds.includes(item.id)));
    const pace = paced.get(record.alertId) as Pace;
    if (pace.kind === 'to-digest' || !story) {
      actions.push({ kind: 'to-digest', alertId: record.alertId, because: pace.kind === 'to-digest' ? pace.because : 'rate', record: { ...current, state: 'to-digest', ...(pace.kind === 'to-digest' ? { heldBecause: pace.because } : {}) } });
    } else if (pace.kind === 'send') {
      const posted = { ...current, ...covered(story, current), state: 'sent' as const, sentAt: now };
      actions.push({ kind: 'post', alertId: record.alertId, body: renderAlert({ story: story.story, reasons: record.reasons, ...view }), record: posted });
    } else if (edit) {
      actions.push({ kind: 'update', alertId: record.alertId, record: current });
    }
  }

  for (const decision of fresh) {
    const pace = paced.get(decision.alertId) as Pace;
    const record: AlertedStory = { alertId: decision.alertId, ...covered(decision.story), reasons: decision.reasons, state: 'waiting', decidedAt: now };
    if (pace.kind === 'send') {
      actions.push({ kind: 'post', alertId: decision.alertId, body: renderAlert({ story: decision.story.story, reasons: decision.reasons, ...view }), record: { ...record, state: 'sent', sentAt: now } });
    } else if (pace.kind === 'wait') {
      actions.push({ kind: 'wait', alertId: decision.alertId, until: pace.until, record });
    } else {
      actions.push({ kind: 'to-digest', alertId: decision.alertId, because: pace.because, record: { ...record, state: 'to-digest', heldBecause: pace.because } });
    }
  }

  for (const edit of edits.values()) {
    if (edit.previous.state !== 'sent') continue;
    // The count the alert went out with stays: the edit says how many joined since.
    const record = { ...edit.previous, ...covered(edit.story, edit.previous), outletsAtAlert: edit.previous.outletsAtAlert };
    const joined = edit.story.story.outlets.length - edit.previous.outletsAtAlert;
    const body = renderAlertEdit({ story: edit.story.story, reasons: edit.previous.reasons, ...view, joined, alertedAt: edit.previous.sentAt ?? edit.previous.decidedAt });
    actions.push({ kind: 'edit', alertId: edit.alertId, body, record });
  }
  return actions;
}

/** The items and outlets a record covers once its message shows this story (items that left the window stay). */
function covered(story: AlertStory, previous?: AlertedStory): Pick<AlertedStory, 'itemIds' | 'outlets' | 'outletsAtAlert'> {
  const itemIds = [...new Set([...(previous?.itemIds ?? []), ...story.story.items.map((item) => item.id)])];
  return { itemIds, outlets: story.story.outlets, outletsAtAlert: story.story.outlets.length };
}

