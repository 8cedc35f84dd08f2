import { describe, expect, it } from 'vitest';
import { routedChannels } from '../../src/delivery/route-digests.js';
import type { ThemeRoute } from '../../src/core/theme-route.js';

const bot = { canDeliver: () => true };
const schedule = { themes: ['trade-tariffs', 'china-latam'] as const };

function route(theme: ThemeRoute['theme'], channelId: string, guildId = 'g1'): ThemeRoute {
  return { guildId, theme, channelId };
}

describe('routedChannels: which channel gets which sections of a schedule', () => {
  it('groups the themes routed to each channel, keeping only those the schedule covers', () => {
    const routes = [route('trade-tariffs', '1'), route('china-latam', '1'), route('us-policy', '1'), route('china-latam', '2', 'g2')];
    const channels = routedChannels(routes, { themes: [...schedule.themes] }, 'channel:999', bot);
    expect([...channels].map(([channel, themes]) => [channel, [...themes]])).toEqual([
      ['1', ['trade-tariffs', 'china-latam']],
      ['2', ['china-latam']],
    ]);
  });

  it("leaves out the schedule's own channel, which gets every section anyway", () => {
    expect(routedChannels([route('trade-tariffs', '999')], { themes: [...schedule.themes] }, 'channel:999', bot).size).toBe(0);
  });

  it('routes nothing where the bot cannot post (webhook or preview mode)', () => {
    expect(routedChannels([route('trade-tariffs', '1')], { themes: [...schedule.themes] }, 'preview', { canDeliver: () => false }).size).toBe(0);
  });
});
