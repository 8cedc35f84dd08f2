import { WEBHOOK_URL_PATTERN, type DestinationConfig } from './config-schema.js';

/**
 * Where a digest goes, resolved from the configuration. The key names it in the outbox and in
 * logs; a webhook's key holds its id only, never its token.
 */
export type Destination =
  | { kind: 'channel'; key: string; channelId: string }
  | { kind: 'webhook'; key: string; webhookId: string; token: string; apiBase: string }
  | { kind: 'preview'; key: 'preview' };

export const PREVIEW: Destination = { kind: 'preview', key: 'preview' };

export interface WebhookParts {
  id: string;
  token: string;
  /** The REST base in front of `/webhooks/…`, without an API version: what discord.js takes as `rest.api`. */
  apiBase: string;
}

export function parseWebhookUrl(url: string): WebhookParts | null {
  const match = WEBHOOK_URL_PATTERN.exec(url.trim());
  if (!match) return null;
  return { apiBase: normalizeApiBase(match[1] as string), id: match[2] as string, token: match[3] as string };
}

export const DEFAULT_DISCORD_API = 'https://discord.com/api';

/** `https://proxy:8080/api/v10/` → `https://proxy:8080/api`: discord.js appends the version itself. */
export function normalizeApiBase(base: string): string {
  return base.trim().replace(/\/+$/, '').replace(/\/v\d+$/, '');
}

/** The configured destination, or preview when none is set. `apiBase` overrides a webhook URL's own host. */
export function configuredDestination(config: DestinationConfig | undefined, apiBase?: string): Destination {
  if (config?.channelId) return { kind: 'channel', key: `channel:${config.channelId}`, channelId: config.channelId };
  if (config?.webhookUrl) {
    const parts = parseWebhookUrl(config.webhookUrl);
    if (parts) {
      return { kind: 'webhook', key: `webhook:${parts.id}`, webhookId: parts.id, token: parts.token, apiBase: apiBase ?? parts.apiBase };
    }
  }
  return PREVIEW;
}

/** "channel 123…", "webhook 456…", "preview": safe to log. */
export function describeDestination(destination: Pick<Destination, 'key'>): string {
  return destination.key.replace(':', ' ');
}
