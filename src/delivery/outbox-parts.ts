import type { Destination } from '../config/destination.js';
import { digestStoryCount, type Digest } from '../digest/digest-types.js';
import { storyItems } from '../digest/received-stories.js';
import { renderDiscordDigest } from '../digest/render-discord.js';
import { messageViolations } from '../digest/split-messages.js';
import type { PartItem } from '../core/part-item.js';
import type { DigestTrigger } from '../core/outbox.js';
import type { OutboxPayload } from './deliverer.js';

/** The outbox parts of a digest, each with the items it carries (delivered when the part is sent). */
export function outboxParts(digest: Digest, markdown: string, destination: Destination, slotAt: number, trigger: DigestTrigger): { payload: string; items: PartItem[] }[] {
  const items = storyItems(digest);
  // Nothing new for this destination: nothing to post, not even a "no news" preview.
  if (digestStoryCount(digest) === 0 && (digest.alreadyReceived ?? 0) > 0) return [];
  if (destination.kind === 'preview') {
    const payload: OutboxPayload = { type: 'markdown', markdown, fileName: previewFileName(digest, slotAt, trigger) };
    return [{ payload: JSON.stringify(payload), items: [...items.values()].flat() }];
  }
  return renderDiscordDigest(digest).map((part, index) => {
    const problems = messageViolations(part.body);
    if (problems.length > 0) throw new Error(`digest-job: part ${index + 1} of ${digest.schedule} breaks Discord limits: ${problems.join('; ')}`);
    const payload: OutboxPayload = { type: 'discord', body: part.body };
    return { payload: JSON.stringify(payload), items: part.storyIds.flatMap((id) => items.get(id) ?? []) };
  });
}

/** `daily-2026-05-03-0800.md` in the schedule's time zone; manual digests carry seconds. */
export function previewFileName(digest: Pick<Digest, 'schedule' | 'timezone'>, slotAt: number, trigger: DigestTrigger): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: digest.timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(slotAt)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const time = `${parts.hour}${parts.minute}${trigger === 'manual' ? parts.second : ''}`;
  return `${digest.schedule}-${parts.year}-${parts.month}-${parts.day}-${time}${trigger === 'manual' ? '-manual' : ''}.md`;
}
