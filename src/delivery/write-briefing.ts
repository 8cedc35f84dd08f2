import type { Destination } from '../config/destination.js';
import type { DigestTrigger, OutboxFile } from '../core/outbox.js';
import type { Briefing } from '../digest/build-briefing.js';
import { digestStoryCount } from '../digest/digest-types.js';
import { renderBriefingChart, renderBriefingDiscord, renderBriefingMarkdown } from '../digest/render-briefing.js';
import { messageViolations } from '../digest/split-messages.js';
import type { OutboxPayload } from './deliverer.js';
import { previewFileName } from './outbox-parts.js';
import type { DeliveryStore } from './ports.js';
import type { Enqueued, OutboxTarget } from './write-to-outbox.js';

/**
 * The briefing's outbox parts and its chart, attached to the first part. The chart's name follows
 * the preview file's (`weekly-2026-11-30-0800.png` beside `weekly-2026-11-30-0800.md`), so a
 * preview links it and a channel shows it under the same name.
 */
export function briefingParts(briefing: Briefing, destination: Destination, slotAt: number, trigger: DigestTrigger): { payloads: string[]; markdown: string; file: OutboxFile } {
  const markdownName = previewFileName(briefing.digest, slotAt, trigger);
  const file: OutboxFile = { name: markdownName.replace(/\.md$/, '.png'), contentType: 'image/png', bytes: renderBriefingChart(briefing) };
  const markdown = renderBriefingMarkdown(briefing, file.name);
  if (destination.kind === 'preview') {
    const payload: OutboxPayload = { type: 'markdown', markdown, fileName: markdownName };
    return { payloads: [JSON.stringify(payload)], markdown, file };
  }
  const payloads = renderBriefingDiscord(briefing, file.name).map((part, index) => {
    const problems = messageViolations(part.body);
    if (problems.length > 0) throw new Error(`digest-job: part ${index + 1} of the briefing ${briefing.digest.schedule} breaks Discord limits: ${problems.join('; ')}`);
    const payload: OutboxPayload = { type: 'discord', body: part.body };
    return JSON.stringify(payload);
  });
  return { payloads, markdown, file };
}

/**
 * Writes a built briefing to the outbox: its parts and the chart's bytes in one step, before
 * anything is sent, so a resend after a crash carries the very same image. A briefing recaps the
 * week, so its stories are not recorded as delivered: the daily digests keep their own account.
 */
export function createBriefingWriter(store: Pick<DeliveryStore, 'outbox'>, now: () => number): (briefing: Briefing, target: OutboxTarget) => Promise<Enqueued> {
  return async (briefing, target) => {
    const { payloads, markdown, file } = briefingParts(briefing, target.destination, target.slotAt, target.trigger);
    const result = await store.outbox.enqueue({
      schedule: briefing.digest.schedule,
      slotAt: target.slotAt,
      trigger: target.trigger,
      destination: target.destination.key,
      windowFrom: target.window.from,
      windowTo: target.window.to,
      stories: digestStoryCount(briefing.digest),
      markdown,
      payloads,
      files: new Map([[1, file]]),
      now: now(),
    });
    return { ...result, alreadyReceived: 0 };
  };
}
