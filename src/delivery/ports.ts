import type { ThemeRoute } from '../core/theme-route.js';

/**
 * The theme routes, owned by delivery: the digest runner reads them all to send each theme's
 * section, /subscribe and /unsubscribe change one server's.
 */
export interface ThemeRouteRepository {
  /** True when the route is new; the same guild, theme and channel are stored once. */
  add(route: ThemeRoute, by: string, now: number): Promise<boolean>;
  /** True when a route was removed. */
  remove(route: ThemeRoute): Promise<boolean>;
  /** One server's routes, by theme then channel. */
  forGuild(guildId: string): Promise<ThemeRoute[]>;
  /** Every server's routes, by guild, theme then channel. */
  all(): Promise<ThemeRoute[]>;
}
