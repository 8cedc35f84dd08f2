import type { ThemeId } from './themes.js';

/** A server's choice, made with /subscribe, to receive one theme's section of the digests in one channel. */
export interface ThemeRoute {
  guildId: string;
  theme: ThemeId;
  channelId: string;
}
