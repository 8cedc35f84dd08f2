import type { PartItem } from '../core/part-item.js';
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

/**
 * The digest without the stories received since it was built (another digest to the same
 * destination may have queued them meanwhile); sections left empty go, the count grows.
 */
export function withoutReceived(digest: Digest, received: ReadonlyMap<number, string>): Digest {
  if (received.size === 0) return digest;
  let dropped = 0;
  const sections = digest.sections.flatMap((section) => {
    const stories = section.stories.filter((story) => !alreadyReceived(story, received));
    dropped += section.stories.length - stories.length;
    if (stories.length === section.stories.length) return [section];
    return stories.length === 0 ? [] : [{ ...section, stories, candidates: section.candidates - (section.stories.length - stories.length) }];
  });
  return dropped === 0 ? digest : { ...digest, sections, alreadyReceived: (digest.alreadyReceived ?? 0) + dropped };
}

/** The ids of every item a digest carries. */
export function digestItemIds(digest: Digest): number[] {
  return digest.sections.flatMap((section) => section.stories.flatMap((story) => story.items.map((item) => item.id)));
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
