import type { ThemeRoute } from '../../core/theme-route.js';
import type { PgSession } from './pg-session.js';

const ROUTE_COLUMNS = `guild_id AS "guildId", theme, channel_id AS "channelId"`;

/** Theme → channel routes that server admins set with /subscribe (see sqlite/route-store.ts). */
export function createPgRouteStore(db: PgSession) {
  return {
    add: async (route: ThemeRoute, by: string, now: number): Promise<boolean> =>
      (await db.execute(
        `INSERT INTO theme_routes (guild_id, theme, channel_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [route.guildId, route.theme, route.channelId, by, now],
      )) > 0,
    remove: async (route: ThemeRoute): Promise<boolean> =>
      (await db.execute(`DELETE FROM theme_routes WHERE guild_id = $1 AND theme = $2 AND channel_id = $3`, [
        route.guildId,
        route.theme,
        route.channelId,
      ])) > 0,
    forGuild: (guildId: string) =>
      db.query<ThemeRoute>(`SELECT ${ROUTE_COLUMNS} FROM theme_routes WHERE guild_id = $1 ORDER BY theme COLLATE "C", channel_id COLLATE "C"`, [guildId]),
    all: () => db.query<ThemeRoute>(`SELECT ${ROUTE_COLUMNS} FROM theme_routes ORDER BY guild_id COLLATE "C", theme COLLATE "C", channel_id COLLATE "C"`),
  };
}
