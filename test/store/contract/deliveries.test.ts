import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewDigest } from '../../../src/core/outbox.js';
import { ENGINES, type OpenedStore } from './engines.js';
import { seedTitles } from './fixtures.js';

const digest = (destination: string, payloads = ['{"part":1}']): NewDigest => ({
  schedule: 'daily',
  slotAt: 1_000,
  trigger: 'schedule',
  destination,
  windowFrom: 0,
  windowTo: 1_000,
  stories: 2,
  markdown: '# d',
  payloads,
  now: 5_000,
});

/** Two items in part 1 of a digest to `destination`, and a third item in none. */
async function queued(opened: OpenedStore, destination: string): Promise<{ digestId: number; items: number[] }> {
  const items = await seedTitles(opened.store, ['Lula y Xi', 'Aranceles', 'Otra cosa']);
  const [first, second] = items as [number, number, number];
  const digestId = await opened.store.withTransaction(async (tx) => {
    const { digest: row } = await tx.outbox.enqueue(digest(destination));
    await tx.deliveries.recordParts(row.id, [
      [
        { itemId: first, title: 'Lula y Xi' },
        { itemId: second, title: 'Aranceles' },
      ],
    ]);
    return row.id;
  });
  return { digestId, items };
}

describe.each(ENGINES)('deliveries already made ($name)', (engine) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => {
    await opened.close();
  });

  it('count the items of a part still waiting to go, so a digest built meanwhile leaves them out', async () => {
    const { items } = await queued(opened, 'channel:1');
    const [first, , third] = items as [number, number, number];
    expect(await opened.store.deliveries.received('channel:1', [first, third])).toEqual(new Map([[first, 'Lula y Xi']]));
  });

  it('keep an item once its part was sent, with the title the destination read', async () => {
    const { digestId, items } = await queued(opened, 'channel:1');
    const [first, second] = items as [number, number, number];
    await opened.store.outbox.markSent(digestId, 1, 'm1', 6_000);
    expect(await opened.store.deliveries.received('channel:1', items)).toEqual(
      new Map([
        [first, 'Lula y Xi'],
        [second, 'Aranceles'],
      ]),
    );
  });

  it('are per destination', async () => {
    const { digestId, items } = await queued(opened, 'channel:1');
    await opened.store.outbox.markSent(digestId, 1, 'm1', 6_000);
    expect(await opened.store.deliveries.received('channel:2', items)).toEqual(new Map());
  });

  it('forget the items of a digest given up before it was sent', async () => {
    const { digestId, items } = await queued(opened, 'channel:1');
    await opened.store.outbox.markFailed(digestId, 'refused', 6_000);
    expect(await opened.store.deliveries.received('channel:1', items)).toEqual(new Map());
  });

  it('answer an empty list of items with nothing', async () => {
    await queued(opened, 'channel:1');
    expect(await opened.store.deliveries.received('channel:1', [])).toEqual(new Map());
  });
});
