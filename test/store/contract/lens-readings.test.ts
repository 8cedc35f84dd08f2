import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ItemLensReading } from '../../../src/core/lens.js';
import type { NormalizedItem } from '../../../src/core/types.js';
import { ENGINES, type OpenedStore } from './engines.js';
import { putItems } from './fixtures.js';
import { T0, item, record } from '../../support/classification-fixtures.js';

const LLM_READING: ItemLensReading = {
  direction: 'advancing',
  obstacles: ['weak-delegation'],
  actors: ['mercosur', 'AR', 'BR'],
  evidence: ['advancing: "firman el acuerdo" (llm)'],
  source: 'llm',
  quote: 'firman el acuerdo',
  importance: { score: 0.8, fact: 'Mercosur y la UE firman el acuerdo' },
};

const OFFLINE_READING: ItemLensReading = {
  direction: 'stalling',
  obstacles: [],
  actors: ['celac'],
  evidence: ['stalling: "sin acuerdo" (title)'],
  source: 'offline',
  quote: null,
  importance: null,
};

describe.each(ENGINES)('lens readings ($name)', (engine) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => {
    await opened.close();
  });
  const put = (...items: NormalizedItem[]) => putItems(opened.store, items, T0);

  it('are saved with the classification and read back by item, importance and quote included', async () => {
    const { classifications } = opened.store;
    const [a, b, c] = (await put(item('Mercosur y la UE firman el acuerdo'), item('CELAC cierra sin acuerdo'), item('Fútbol'))) as [number, number, number];
    await classifications.save([
      record(a, 'hash:Mercosur y la UE firman el acuerdo:', { source: 'llm', model: 'm', promptVersion: 'p', lens: LLM_READING }),
      record(b, 'hash:CELAC cierra sin acuerdo:', { lens: OFFLINE_READING }),
      record(c, 'hash:Fútbol:', { themes: [], scores: {}, evidence: {}, lens: null }),
    ]);
    const readings = await classifications.lensReadings([a, b, c]);
    expect([...readings.keys()].sort((x, y) => x - y)).toEqual([a, b]);
    expect(readings.get(a)).toEqual({ ...LLM_READING, itemId: a, readAt: T0 });
    expect(readings.get(b)).toEqual({ ...OFFLINE_READING, itemId: b, readAt: T0 });
    expect(await classifications.lensReadings([])).toEqual(new Map());
  });

  it('are replaced when the item is classified again, and removed when the new classification has none', async () => {
    const { classifications } = opened.store;
    const [id] = (await put(item('Mercosur y la UE firman el acuerdo'))) as [number];
    const hash = 'hash:Mercosur y la UE firman el acuerdo:';
    await classifications.save([record(id, hash, { lens: OFFLINE_READING })]);
    await classifications.save([record(id, hash, { source: 'llm', lens: LLM_READING, classifiedAt: T0 + 5 })]);
    expect((await classifications.lensReadings([id])).get(id)).toMatchObject({ source: 'llm', direction: 'advancing', readAt: T0 + 5 });
    await classifications.save([record(id, hash, { themes: [], scores: {}, evidence: {} })]);
    expect(await classifications.lensReadings([id])).toEqual(new Map());
  });

  it('are written in the caller’s transaction: a failure after the save leaves neither labels nor reading', async () => {
    const store = opened.store;
    const [id] = (await put(item('Mercosur y la UE firman el acuerdo'))) as [number];
    await expect(
      store.withTransaction(async (tx) => {
        await tx.classifications.save([record(id, 'hash:Mercosur y la UE firman el acuerdo:', { lens: LLM_READING })]);
        throw new Error('the step after failed');
      }),
    ).rejects.toThrow('the step after failed');
    expect(await store.classifications.get(id)).toBeUndefined();
    expect(await store.classifications.lensReadings([id])).toEqual(new Map());
  });
});
