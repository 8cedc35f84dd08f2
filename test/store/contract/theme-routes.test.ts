import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, type OpenedStore } from './engines.js';

describe.each(ENGINES)('theme routes ($name)', (engine) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => {
    await opened.close();
  });

  const route = { guildId: 'g1', theme: 'china-latam' as const, channelId: 'c1' };

  it('store a guild, theme and channel once, whoever adds it again', async () => {
    const { routes } = opened.store;
    expect(await routes.add(route, 'u1', 0)).toBe(true);
    expect(await routes.add(route, 'u2', 1)).toBe(false);
    expect(await routes.all()).toEqual([route]);
  });

  it('belong to one server each', async () => {
    const { routes } = opened.store;
    await routes.add(route, 'u1', 0);
    await routes.add({ ...route, guildId: 'g2' }, 'u1', 0);
    expect(await routes.forGuild('g1')).toEqual([route]);
    expect(await routes.forGuild('g3')).toEqual([]);
  });

  it('can be removed once', async () => {
    const { routes } = opened.store;
    await routes.add(route, 'u1', 0);
    await routes.add({ ...route, guildId: 'g2' }, 'u1', 0);
    expect(await routes.remove(route)).toBe(true);
    expect(await routes.remove(route)).toBe(false);
    expect(await routes.all()).toEqual([{ ...route, guildId: 'g2' }]);
  });

  it('list by server, theme, then channel', async () => {
    const { routes } = opened.store;
    await routes.add({ guildId: 'g2', theme: 'china-latam', channelId: 'c1' }, 'u', 0);
    await routes.add({ guildId: 'g1', theme: 'us-venezuela', channelId: 'c1' }, 'u', 0);
    await routes.add({ guildId: 'g1', theme: 'china-latam', channelId: 'c2' }, 'u', 0);
    await routes.add({ guildId: 'g1', theme: 'china-latam', channelId: 'c1' }, 'u', 0);
    expect((await routes.all()).map((r) => `${r.guildId}/${r.theme}/${r.channelId}`)).toEqual([
      'g1/china-latam/c1',
      'g1/china-latam/c2',
      'g1/us-venezuela/c1',
      'g2/china-latam/c1',
    ]);
    expect((await routes.forGuild('g1')).map((r) => `${r.theme}/${r.channelId}`)).toEqual(['china-latam/c1', 'china-latam/c2', 'us-venezuela/c1']);
  });
});
