import type { PartItem } from '../store/delivery-store.js';
import type { Digest, DigestItem, Story } from './digest-types.js';

/**
 * Which stories a destination already has. Pure. A story was received when one of its items went
 * out there before and none of those items has a new title since: the same story again (a second
 * manual digest, a scheduled one after a manual one, another schedule or a theme route to the same
 * channel) is left out, while a story whose headline changed goes out again.
 */
export function alreadyReceived(story: Pick<Story, 'items'>, received: ReadonlyMap<number, string>): boolean {
  let seen = false;
  for (const item of story.items) {
    const title = received.get(item.id);
    if (title === undefined) continue;
    if (title !== item.title) return false;
    seen = true;
  }
  return seen;
}

/** The items of each story, by story id, as a digest part records them. */
export function storyItems(digest: Digest): Map<string, PartItem[]> {
  const result = new Map<string, PartItem[]>();
  for (const section of digest.sections) {
    for (const story of section.stories) result.set(story.id, story.items.map(partItem));
  }
  return result;
}

function partItem(item: DigestItem): PartItem {
  return { itemId: item.id, title: item.title };
}
