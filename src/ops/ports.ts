import type { ThemeRoute } from '../core/theme-route.js';

/** What the status report needs of the store: the theme routes, of every server or of one. */
export interface StatusRouteReader {
  all(): Promise<ThemeRoute[]>;
  forGuild(guildId: string): Promise<ThemeRoute[]>;
}
