import type { Client } from 'discord.js';
import type { Logger } from '../core/logger.js';
import type { DiscordState } from '../ops/discord-state.js';
import type { createBotSender } from './deliver-bot.js';
import type { createWebhookSender } from './deliver-webhook.js';
import { createPreviewSender } from '../delivery/deliver-preview.js';
import type { Deliverer } from '../delivery/deliverer.js';
import { DEFAULT_DISCORD_API } from '../config/destination.js';
import type { DiscordSettings } from '../config/environment.js';

export interface DelivererOptions {
  discord: Pick<DiscordSettings, 'token' | 'apiBase' | 'shards'>;
  logger: Logger;
  /** Where previewed digests are printed. */
  out: NodeJS.WritableStream;
  /** Where previewed digests are written (data/digests/). */
  previewDir: string;
  /** Whether some digest schedule posts to a webhook. */
  hasWebhooks: boolean;
  readyTimeoutMs?: number;
  /** Told of the bot's gateway state, for the health check. */
  onDiscordState?: ((state: DiscordState) => void) | undefined;
  /** Aborted when Sancocho stops: a login still waiting for Discord gives up. */
  signal?: AbortSignal | undefined;
}

export type DelivererSetup =
  /** `client`: the logged-in bot in bot mode, for the slash commands to answer on the same gateway session. */
  | { kind: 'ok'; deliverer: Deliverer; client?: Client | undefined }
  | { kind: 'invalid-token'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'stopped'; message: string };

/**
 * Picks the mode from what is configured: bot mode with `DISCORD_TOKEN` (channels; webhooks too),
 * webhook mode with webhook destinations only, else preview mode. Lack of credentials is never an
 * error; a token Discord rejects is, with a clear message. discord.js is loaded only when a bot or
 * a webhook needs it, so preview mode starts quickly.
 */
export async function createDeliverer(options: DelivererOptions): Promise<DelivererSetup> {
  const { token } = options.discord;
  const apiBase = options.discord.apiBase ?? DEFAULT_DISCORD_API;
  const preview = createPreviewSender({ out: options.out, dir: options.previewDir });
  let bot: { send: ReturnType<typeof createBotSender>; close: () => Promise<void>; client: Client } | undefined;
  if (token) {
    const [client, sender] = await Promise.all([import('./create-client.js'), import('./deliver-bot.js')]);
    const login = await client.loginBot({ token, apiBase, logger: options.logger, readyTimeoutMs: options.readyTimeoutMs, onState: options.onDiscordState, signal: options.signal, shards: options.discord.shards });
    if (login.kind !== 'ready') return login;
    bot = { send: sender.createBotSender(login.client, options.logger), close: () => login.client.destroy(), client: login.client };
  }
  let webhook: ReturnType<typeof createWebhookSender> | undefined;
  const webhookSender = async () => (webhook ??= (await import('./deliver-webhook.js')).createWebhookSender(options.logger));

  const deliverer: Deliverer = {
    mode: bot ? 'bot' : options.hasWebhooks ? 'webhook' : 'preview',
    canDeliver: (destination) => destination.kind !== 'channel' || bot !== undefined,
    async send(destination, payload, options) {
      switch (destination.kind) {
        case 'channel':
          return bot ? bot.send(destination, payload, options) : { kind: 'retry', reason: 'no bot is logged in (DISCORD_TOKEN is not set)' };
        case 'webhook':
          return (await webhookSender()).send(destination, payload, options);
        case 'preview':
          return preview(payload);
      }
    },
    async edit(destination, messageId, payload, options) {
      switch (destination.kind) {
        case 'channel':
          return bot ? bot.send.edit(destination, messageId, payload, options) : { kind: 'retry', reason: 'no bot is logged in (DISCORD_TOKEN is not set)' };
        case 'webhook':
          return (await webhookSender()).edit(destination, messageId, payload, options);
        case 'preview':
          // The edit's Markdown has the post's file name: the file is rewritten.
          return preview(payload);
      }
    },
    async close() {
      webhook?.close();
      await bot?.close();
    },
  };
  return { kind: 'ok', deliverer, client: bot?.client };
}
