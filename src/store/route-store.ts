import type { Database } from 'better-sqlite3';
import type { ThemeId } from '../core/themes.js';

export interface ThemeRoute {
  guildId: string;
  theme: ThemeId;
  channelId: string;
}

/** Theme → channel routes that server admins set with /subscribe; they survive restarts. */
export function createRouteStore(db: Database) {
  const add = db.prepare(
    `INSERT OR IGNORE INTO theme_routes (guild_id, theme, channel_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const remove = db.prepare(`DELETE FROM theme_routes WHERE guild_id = ? AND theme = ? AND channel_id = ?`);
  const forGuild = db.prepare(
    `SELECT guild_id AS guildId, theme, channel_id AS channelId FROM theme_routes WHERE guild_id = ? ORDER BY theme, channel_id`,
  );
  const all = db.prepare(`SELECT guild_id AS guildId, theme, channel_id AS channelId FROM theme_routes ORDER BY guild_id, theme, channel_id`);

  return {
    /** True when the route is new. */
    add: (route: ThemeRoute, by: string, now: number): boolean => add.run(route.guildId, route.theme, route.channelId, by, now).changes > 0,
    /** True when a route was removed. */
    remove: (route: ThemeRoute): boolean => remove.run(route.guildId, route.theme, route.channelId).changes > 0,
    forGuild: (guildId: string) => forGuild.all(guildId) as ThemeRoute[],
    all: () => all.all() as ThemeRoute[],
  };
}

export type RouteStore = ReturnType<typeof createRouteStore>;
