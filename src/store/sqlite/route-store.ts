import type { Database } from 'better-sqlite3';
import type { ThemeRoute } from '../../core/theme-route.js';

/** Theme → channel routes that server admins set with /subscribe; they survive restarts. */
export function createSqliteRouteStore(db: Database) {
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
    add: async (route: ThemeRoute, by: string, now: number): Promise<boolean> => add.run(route.guildId, route.theme, route.channelId, by, now).changes > 0,
    /** True when a route was removed. */
    remove: async (route: ThemeRoute): Promise<boolean> => remove.run(route.guildId, route.theme, route.channelId).changes > 0,
    forGuild: async (guildId: string) => forGuild.all(guildId) as ThemeRoute[],
    all: async () => all.all() as ThemeRoute[],
  };
}
