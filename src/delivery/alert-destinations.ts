import type { AlertDestinationConfig } from '../config/config-schema.js';
import { DEFAULT_ALERT_SETTINGS, type AlertMute, type AlertRule, type AlertServerSettings } from '../core/alert.js';
import { alertPolicy, type AlertPolicy } from '../alerts/decide-alerts.js';

/** The defaults a server's rules get: those of a config destination that says nothing. */
const VELOCITY_OUTLETS = 3;
const VELOCITY_HOURS = 3;

/** One alert destination as the runner plans it: its settings, its compiled policy and where it posts. */
export interface PlannedDestination {
  name: string;
  settings: Pick<AlertDestinationConfig, 'language' | 'timezone' | 'maxPerHour' | 'quietHours' | 'mutedUntil'>;
  policy: AlertPolicy;
  /** The configured destination (channel or webhook), or a server's channel. */
  destination: AlertDestinationConfig['destination'];
}

/**
 * The alert destinations of this cycle, pure: each of the config file's `alerts[]`, and each channel
 * a server's rules post to (its rules together: a rule with terms is a rule, a rule without terms
 * makes its theme alert by velocity with its outlets, default 3, within 3 hours). A server's mute
 * holds its channels' alerts until it ends; its settings give them its time zone, quiet hours and
 * hourly limit.
 */
export function alertDestinations(
  config: readonly AlertDestinationConfig[],
  rules: readonly AlertRule[],
  mutes: readonly AlertMute[],
  settings: readonly AlertServerSettings[],
): PlannedDestination[] {
  const configured = config.map((destination) => ({
    name: destination.name,
    settings: destination,
    policy: alertPolicy(destination),
    destination: destination.destination,
  }));
  const byChannel = new Map<string, AlertRule[]>();
  for (const rule of rules) {
    const key = `${rule.guildId}-${rule.channelId}`;
    byChannel.set(key, [...(byChannel.get(key) ?? []), rule]);
  }
  const fromServers = [...byChannel.entries()].map(([key, channelRules]): PlannedDestination => {
    const first = channelRules[0] as AlertRule;
    const velocity = channelRules.filter((rule) => rule.terms.length === 0);
    const mutedUntil = mutes.find((mute) => mute.guildId === first.guildId)?.until;
    const server = settings.find((entry) => entry.guildId === first.guildId) ?? DEFAULT_ALERT_SETTINGS;
    const name = `server-${key}`;
    return {
      name,
      settings: { language: first.language, timezone: server.timezone, maxPerHour: server.maxPerHour, quietHours: server.quietHours ?? undefined, mutedUntil },
      policy: alertPolicy({
        name,
        themes: velocity.map((rule) => rule.theme),
        velocity: { outlets: Math.min(...velocity.map((rule) => rule.minOutlets ?? VELOCITY_OUTLETS), 50), withinHours: VELOCITY_HOURS },
        rules: channelRules
          .filter((rule) => rule.terms.length > 0)
          .map((rule) => ({ theme: rule.theme, any: [...rule.terms], minOutlets: rule.minOutlets ?? 1 })),
        importance: undefined,
      }),
      destination: { channelId: first.channelId },
    };
  });
  return [...configured, ...fromServers];
}
