import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, type OpenedStore } from './engines.js';

describe.each(ENGINES)('withTransaction ($name)', (engine) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => {
    await opened.close();
  });

  const route = (channelId: string) => ({ guildId: 'g1', theme: 'china-latam' as const, channelId });

  it('keeps what the work wrote when it resolves, and hands back its result', async () => {
    const result = await opened.store.withTransaction(async (tx) => {
      await tx.routes.add(route('c1'), 'u', 0);
      await tx.routes.add(route('c2'), 'u', 0);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await opened.store.routes.forGuild('g1')).toEqual([route('c1'), route('c2')]);
  });

  it('keeps nothing the work wrote when it rejects, and the rejection reaches the caller', async () => {
    const work = opened.store.withTransaction(async (tx) => {
      await tx.routes.add(route('c1'), 'u', 0);
      throw new Error('the step after the write failed');
    });
    await expect(work).rejects.toThrow('the step after the write failed');
    expect(await opened.store.routes.all()).toEqual([]);
  });

  it('runs a nested transaction inside the outer one: both are undone together', async () => {
    const work = opened.store.withTransaction(async (tx) => {
      await tx.withTransaction(async (inner) => inner.routes.add(route('c1'), 'u', 0));
      throw new Error('outer failed');
    });
    await expect(work).rejects.toThrow('outer failed');
    expect(await opened.store.routes.all()).toEqual([]);
  });

  it('lets transactions started together take turns, so a read-then-write in each sees the other', async () => {
    const claimFirstChannel = (channelId: string) =>
      opened.store.withTransaction(async (tx) => {
        if ((await tx.routes.forGuild('g1')).length > 0) return false;
        return tx.routes.add(route(channelId), 'u', 0);
      });
    expect(await Promise.all([claimFirstChannel('c1'), claimFirstChannel('c2')])).toEqual([true, false]);
    expect(await opened.store.routes.all()).toEqual([route('c1')]);
  });

  it('still runs the next transaction after one failed', async () => {
    const failed = opened.store.withTransaction(async () => {
      throw new Error('first failed');
    });
    const next = opened.store.withTransaction(async (tx) => tx.routes.add(route('c1'), 'u', 0));
    await expect(failed).rejects.toThrow('first failed');
    expect(await next).toBe(true);
  });
});
