import { alerts } from './alerts.js';
import { barometer } from './barometer.js';
import type { SlashCommand } from './command.js';
import { digest } from './digest.js';
import { feeds } from './feeds.js';
import { news } from './news.js';
import { status } from './status.js';
import { subscribe } from './subscribe.js';
import { themes } from './themes.js';
import { unsubscribe } from './unsubscribe.js';

/** Every slash command, registered with Discord and routed by name. */
export const COMMANDS: readonly SlashCommand[] = [news, themes, digest, feeds, subscribe, unsubscribe, alerts, status, barometer];
