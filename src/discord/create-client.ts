import { Client, DefaultRestOptions, DiscordjsError, DiscordjsErrorCodes, Events, GatewayIntentBits } from 'discord.js';
import type { Logger } from '../core/logger.js';
import type { DiscordState } from '../ops/discord-state.js';
import type { ShardPlan } from '../config/shard-plan.js';

/** Rate-limit waits longer than this fail the send; the outbox retries it later instead of blocking. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * REST options shared by the bot and webhook clients. With `signal`, every request of the client
 * also ends when it is aborted (Sancocho stopping), whatever discord.js is waiting for.
 */
export function restOptions(apiBase: string, signal?: AbortSignal) {
  return {
    api: apiBase,
    makeRequest: async (url: string, init: RequestInit) =>
      DefaultRestOptions.makeRequest(url, {
        ...(await withEncodedForm(init)),
        ...(signal && { signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal }),
      }),
    // 5xx: three immediate retries by discord.js; the outbox backs off after that.
    retries: 3,
    timeout: 15_000,
    // 429: discord.js waits out Retry-After itself; a wait longer than a minute goes back to the outbox.
    rejectOnRateLimit: (data: { timeToReset: number; retryAfter: number }) =>
      Math.max(data.timeToReset, data.retryAfter) > MAX_RATE_LIMIT_WAIT_MS,
  };
}

/**
 * discord.js's own sharding, in this process: `auto` asks Discord for the count and runs every
 * shard; a number runs every shard of that count, or the picked ids of it (another worker runs the rest).
 */
export function shardOptions(plan: ShardPlan | undefined): { shards?: number[] | 'auto'; shardCount?: number } {
  if (!plan) return {};
  if (plan.count === 'auto') return { shards: 'auto' };
  return { shards: plan.ids === 'all' ? Array.from({ length: plan.count }, (_, id) => id) : plan.ids, shardCount: plan.count };
}

type RequestInit = Parameters<typeof DefaultRestOptions.makeRequest>[1];

/**
 * A message with files goes out as multipart: discord.js builds it as the global FormData and hands
 * it to undici, but the undici that owns the process's global dispatcher is whichever loaded first
 * (the feed fetcher's, another version), which does not recognise that FormData and fails with
 * "action is not a function". Encoded here into bytes and their content type, it reads the same to all.
 */
async function withEncodedForm(init: RequestInit): Promise<RequestInit> {
  if (!(init.body instanceof FormData)) return init;
  const encoded = new Response(init.body);
  const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
  const headers = { ...(init.headers as Record<string, string> | undefined), 'content-type': contentType };
  return { ...init, body: Buffer.from(await encoded.arrayBuffer()), headers };
}

export type BotLogin =
  | { kind: 'ready'; client: Client; user: string }
  | { kind: 'invalid-token'; message: string }
  | { kind: 'unreachable'; message: string }
  /** The signal came first (Sancocho is stopping): the half-open client was closed. */
  | { kind: 'stopped'; message: string };

/**
 * Logs the bot in with the Guilds intent only (it posts; it reads no messages) and waits until the
 * gateway says READY. Never logs the token; a bad token and an unreachable Discord are values.
 */
export async function loginBot(options: {
  token: string;
  apiBase: string;
  logger: Logger;
  readyTimeoutMs?: number;
  /** Told of every gateway state change, for the health check. */
  onState?: ((state: DiscordState) => void) | undefined;
  /** Aborted when Sancocho stops: a login still waiting for Discord gives up at once, and so does any request of the client. */
  signal?: AbortSignal | undefined;
  /** The gateway shards this client runs; none: one shard, as Discord starts a bot. */
  shards?: ShardPlan | undefined;
}): Promise<BotLogin> {
  const log = options.logger.child({ module: 'create-client' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: restOptions(options.apiBase, options.signal),
    allowedMentions: { parse: [] },
    ...shardOptions(options.shards),
  });
  client.on(Events.Error, (error) => log.warn({ err: error.message }, 'create-client: gateway error'));
  client.on(Events.Warn, (message) => log.warn({ detail: message }, 'create-client: discord.js warning'));
  client.on(Events.ShardDisconnect, (event) => log.info({ code: event.code }, 'create-client: gateway disconnected'));
  const onState = options.onState ?? (() => undefined);
  client.on(Events.ShardReady, () => onState('ready'));
  client.on(Events.ShardResume, () => onState('ready'));
  client.on(Events.ShardReconnecting, () => onState('connecting'));
  client.on(Events.ShardDisconnect, () => onState('disconnected'));
  client.on(Events.Invalidated, () => onState('disconnected'));
  onState('connecting');

  let timer: NodeJS.Timeout | undefined;
  const { signal } = options;
  const stopped = new Promise<'stopped'>((resolve) => {
    if (signal?.aborted) resolve('stopped');
    signal?.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  const ready = new Promise<'ready' | 'timeout'>((resolve) => {
    client.once(Events.ClientReady, () => resolve('ready'));
    timer = setTimeout(() => resolve('timeout'), options.readyTimeoutMs ?? 30_000);
  });
  try {
    // discord.js's login takes no signal: the race lets a stop through, and destroy() closes what it opened.
    const outcome = await Promise.race([client.login(options.token).then(() => Promise.race([ready, stopped])), stopped]);
    if (outcome === 'stopped') {
      onState('disconnected');
      await client.destroy();
      return { kind: 'stopped', message: 'stopped while logging in to Discord' };
    }
    if (outcome === 'timeout') {
      onState('disconnected');
      await client.destroy();
      return { kind: 'unreachable', message: `the Discord gateway did not become ready in time (REST at ${options.apiBase})` };
    }
    onState('ready');
    const user = client.user?.tag ?? client.user?.username ?? 'unknown';
    log.info(
      { user, api: options.apiBase, guilds: client.guilds.cache.size, shards: client.options.shards, shardCount: client.options.shardCount },
      'create-client: logged in to Discord',
    );
    return { kind: 'ready', client, user };
  } catch (error) {
    onState('disconnected');
    await client.destroy().catch(() => undefined);
    if (error instanceof DiscordjsError && (error.code === DiscordjsErrorCodes.TokenInvalid || error.code === DiscordjsErrorCodes.TokenMissing)) {
      return { kind: 'invalid-token', message: 'Discord rejected DISCORD_TOKEN (401 Unauthorized): copy the bot token again from the Developer Portal, Bot tab' };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'unreachable', message: `cannot log in to Discord at ${options.apiBase}: ${message}` };
  } finally {
    clearTimeout(timer);
  }
}
