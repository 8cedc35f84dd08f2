import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SnowflakeUtil } from 'discord.js';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A fake Discord on 127.0.0.1: REST v10 over HTTP and a gateway over WebSocket, enough for the real
 * discord.js client to log in (`rest: { api }`; the gateway URL comes from `GET /gateway/bot`) and
 * for the real WebhookClient to post. Every request is recorded with its JSON body; message POSTs
 * can be scripted (429, 500, hold the request open, accept and then hold or drop the connection,
 * drop the connection).
 * Messages honour `enforce_nonce` as Discord does: the same nonce returns the same message, for as
 * long as Discord remembers the nonce (a few minutes; `forgetNonces` is "much later"). A channel's
 * messages can be listed (`GET /channels/:id/messages` with limit, before, after and around, newest
 * first, without the nonce, as Discord lists them). Ids are real snowflakes: they carry the time.
 *
 * Messages may carry files: a `multipart/form-data` POST (discord.js's way of attaching a file) is
 * read as Discord reads it, the JSON of `payload_json` as the body and each `files[n]` part as an
 * attachment the message then lists. Messages can be edited (`PATCH /channels/:id/messages/:id` by
 * the bot, `PATCH /webhooks/:id/:token/messages/:id` by the webhook): each edit is kept in `edits`.
 *
 * Interactions: `command`, `autocomplete` and `click` dispatch INTERACTION_CREATE to the logged-in
 * client as Discord would (a member with the given permissions, in the default server or another one
 * the bot is in, options typed from the registered command definitions), and the interaction's
 * callback, edits of its original reply, follow-ups and deletions are recorded on the returned
 * record; `answer` waits for what the person would see.
 * Command registration (`PUT /applications/:app[/guilds/:guild]/commands`) is recorded in `commands`.
 *
 * Sharding: with `shards`, `GET /gateway/bot` recommends that count, each IDENTIFY's `shard: [id, count]`
 * is recorded, a session receives GUILD_CREATE only for the guilds of its shard
 * (`(guild_id >> 22) % count`, as Discord routes them), and an interaction goes to the session of the
 * shard that owns its guild.
 */

export const BOT_USER_ID = '111111111111111111';
export const APPLICATION_ID = '222222222222222222';
export const GUILD_ID = '333333333333333333';
/** A second server the bot is in, for tests of what one server may see of another's. */
export const OTHER_GUILD_ID = '333333333333333334';
export const CHANNEL_ID = '444444444444444444';
export const FORBIDDEN_CHANNEL_ID = '555555555555555555';
export const WEBHOOK_ID = '666666666666666666';
export const WEBHOOK_TOKEN = 'fake-webhook-token_123';
export const MEMBER_USER_ID = '777777777777777771';
export const ADMIN_USER_ID = '777777777777777772';

/** View Channel, Send Messages and Use Application Commands: an ordinary member. */
export const MEMBER_PERMISSIONS = (1n << 10n) | (1n << 11n) | (1n << 31n);
/** The same plus Manage Server. */
export const MANAGER_PERMISSIONS = MEMBER_PERMISSIONS | (1n << 5n);

export interface RecordedRequest {
  method: string;
  /** Decoded path without the `/api/v10` prefix, e.g. `/channels/123/messages`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
  /** The files of a multipart request, in order. */
  files: UploadedFile[];
  at: number;
}

export interface UploadedFile {
  /** The form field, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface CreatedMessage {
  id: string;
  channelId: string;
  webhookId: string | null;
  nonce: string | null;
  body: any;
  /** The files attached when it was created. */
  files: UploadedFile[];
  /** The bodies of later edits, in order; `body` shows the message as last edited. */
  edits: any[];
  /** When it was created (ms); its id carries the same time. */
  at: number;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What to do with the next message POST. */
export type MessageScript = FakeReply | 'accept' | 'hold' | 'accept-and-hold' | 'accept-and-destroy' | 'destroy';

export interface FakeChannel {
  id: string;
  name: string;
  /** Discord channel type: 0 text (default), 2 voice, 5 announcement… */
  type?: number;
  /** The server it is in: GUILD_ID by default; the bot is in every server one of its channels names. */
  guildId?: string;
  /** False: the bot lacks Read Message History there, so listing its messages is refused (403). */
  history?: boolean;
}

export interface FakeDiscordOptions {
  token?: string;
  /** Gateway shards Discord recommends (`GET /gateway/bot`); default 1. */
  shards?: number;
  /** Channels in the guild besides the default ones. */
  channels?: FakeChannel[];
}

/** Who acts in an interaction, and where. */
export interface Invoker {
  userId?: string;
  username?: string;
  /** The member's permissions in the channel (Discord computes them): default MEMBER_PERMISSIONS. */
  permissions?: bigint;
  channelId?: string;
  /** The server the interaction happens in: default GUILD_ID. */
  guildId?: string;
}

/** An option value; a plain value is typed from the registered definition (or its JS type). */
export type OptionInput = string | number | boolean | { type: number; value: string | number | boolean };

export interface CommandInvocation extends Invoker {
  subcommand?: string;
  options?: Record<string, OptionInput>;
}

export interface InteractionRecord {
  id: string;
  token: string;
  /** 2 command, 3 component, 4 autocomplete. */
  type: number;
  payload: any;
  /** Bodies of `POST /interactions/:id/:token/callback`, in order (more than one is a bug Discord refuses). */
  callbacks: any[];
  /** Bodies of `PATCH /webhooks/:app/:token/messages/@original`. */
  edits: any[];
  /** Bodies of `POST /webhooks/:app/:token` (follow-up messages). */
  followups: any[];
  /** `DELETE …/messages/@original` requests. */
  deletes: number;
  /** The message this interaction's @original is: its reply, or the message a button sits on (its `files` are the reply's attachments). */
  original: CreatedMessage | null;
  /** The shard whose session the interaction was dispatched to. */
  shard: number;
}

/** What the person sees in the end: the callback's message, or the edit or follow-up after a defer. */
export interface Answer {
  /** The callback type: 4 reply, 5 deferred reply, 6 deferred update, 7 update, 8 autocomplete. */
  callbackType: number;
  ephemeral: boolean;
  body: any;
  record: InteractionRecord;
}

/** An IDENTIFY as the gateway received it; `shard` is `[id, count]`. */
export interface Identify {
  token: string;
  intents: number;
  shard: [number, number];
}

/** The shard a guild's events go to, as Discord computes it. */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

export interface FakeDiscord {
  /** Give this to discord.js as `rest: { api }`. */
  api: string;
  token: string;
  requests: RecordedRequest[];
  /** Messages created, in order. */
  messages: CreatedMessage[];
  gateway: { connections: number; identifies: Identify[]; closes: number };
  /** Command definitions as last registered: globally, and per guild. */
  commands: { global: any[] | null; guilds: Map<string, any[]> };
  interactions: InteractionRecord[];
  /** Dispatches a chat-input command (INTERACTION_CREATE type 2) to the logged-in client. */
  command(name: string, invocation?: CommandInvocation): InteractionRecord;
  /** Dispatches an autocomplete request (type 4) with `focused` as the option being typed. */
  autocomplete(name: string, invocation: CommandInvocation & { focused: string }): InteractionRecord;
  /** Dispatches a button click (type 3) on the message `on` shows (its reply, or a message). */
  click(customId: string, on: InteractionRecord | CreatedMessage, invoker?: Invoker): InteractionRecord;
  /** Waits for what the person sees; fails the test when the interaction goes unanswered. */
  answer(record: InteractionRecord, timeoutMs?: number): Promise<Answer>;
  /** Scripts the next message POSTs (channel or webhook), one per request, in order; then accepted. */
  scriptMessages(...scripts: MessageScript[]): void;
  /** Scripts the next message edits (PATCH, channel or webhook), one per request, in order; then accepted. */
  scriptEdits(...replies: FakeReply[]): void;
  /** As a restart an hour later sees Discord: the nonces of earlier messages are no longer remembered. */
  forgetNonces(): void;
  /** POSTs of messages seen (accepted or not). */
  messagePosts(): RecordedRequest[];
  webhookUrl(id?: string, token?: string): string;
  waitFor(condition: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? 'fake-bot-token.abc.def';
  const channels: FakeChannel[] = [{ id: CHANNEL_ID, name: 'noticias' }, { id: FORBIDDEN_CHANNEL_ID, name: 'privado' }, ...(options.channels ?? [])];
  const requests: RecordedRequest[] = [];
  const messages: CreatedMessage[] = [];
  const scripts: MessageScript[] = [];
  const editScripts: FakeReply[] = [];
  const held: ServerResponse[] = [];
  const gateway = { connections: 0, identifies: [] as Identify[], closes: 0 };
  const shardCount = options.shards ?? 1;
  const commands = { global: null as any[] | null, guilds: new Map<string, any[]>() };
  const interactions: InteractionRecord[] = [];
  /** Ready gateway sessions, newest last: an interaction goes to the newest of its guild's shard. */
  const sessions: { dispatch: (t: string, d: object) => void; shard: [number, number] }[] = [];
  /** `channel:nonce` → the message it created, while Discord still remembers the nonce. */
  const nonces = new Map<string, CreatedMessage>();
  const snowflake = () => SnowflakeUtil.generate().toString();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      readBody(req, Buffer.concat(chunks))
        .then(({ body, files }) => handle(req, res, body, files))
        .catch((error: unknown) => json(res, 500, { message: `fake discord bug: ${String(error)}`, code: 0 }));
    });
  });
  const wss = new WebSocketServer({ server });
  const sockets = new Set<WebSocket>();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const gatewayUrl = `ws://127.0.0.1:${port}`;

  function handle(req: IncomingMessage, res: ServerResponse, body: any, files: UploadedFile[]): void {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const request: RecordedRequest = { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body, files, at: Date.now() };
    requests.push(request);
    const authorized = req.headers.authorization === `Bot ${token}`;

    if (request.method === 'GET' && path === '/gateway/bot') {
      if (!authorized) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      return json(res, 200, {
        url: gatewayUrl,
        shards: shardCount,
        // One identify bucket per shard, so a sharded client logs its shards in without a 5 s wait between them.
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 14_400_000, max_concurrency: shardCount },
      });
    }
    if (request.method === 'GET' && path === '/users/@me') {
      if (!authorized) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      return json(res, 200, botUser());
    }
    let match = /^\/channels\/(\d+)$/.exec(path);
    if (request.method === 'GET' && match) {
      if (!authorized) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      const channel = channels.find((c) => c.id === match?.[1]);
      if (!channel) return json(res, 404, { message: 'Unknown Channel', code: 10003 });
      return json(res, 200, { id: channel.id, type: channel.type ?? 0, name: channel.name, guild_id: channel.guildId ?? GUILD_ID, position: 0, permission_overwrites: [] });
    }
    match = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (request.method === 'GET' && match) {
      if (!authorized) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      const channelId = match[1] as string;
      if (!channels.some((c) => c.id === channelId)) return json(res, 404, { message: 'Unknown Channel', code: 10003 });
      if (channelId === FORBIDDEN_CHANNEL_ID || channels.find((c) => c.id === channelId)?.history === false) {
        return json(res, 403, { message: 'Missing Access', code: 50001 });
      }
      return json(res, 200, listMessages(channelId, request.query).map((m) => apiMessage(m, false)));
    }
    if (request.method === 'POST' && match) {
      if (!authorized) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      const channelId = match[1] as string;
      if (!channels.some((c) => c.id === channelId)) return json(res, 404, { message: 'Unknown Channel', code: 10003 });
      if (channelId === FORBIDDEN_CHANNEL_ID) return json(res, 403, { message: 'Missing Access', code: 50001 });
      return messagePost(res, body, files, channelId, null);
    }
    match = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
    if (request.method === 'PATCH' && match) {
      if (!authorized) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      return messageEdit(res, body, match[1] as string, match[2] as string, null);
    }
    if (handleInteractionRoute(request, res, authorized)) return;
    match = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path);
    if (request.method === 'POST' && match) {
      if (match[1] !== WEBHOOK_ID || match[2] !== WEBHOOK_TOKEN) return json(res, 404, { message: 'Unknown Webhook', code: 10015 });
      return messagePost(res, body, files, CHANNEL_ID, WEBHOOK_ID);
    }
    match = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(\d+)$/.exec(path);
    if (request.method === 'PATCH' && match) {
      if (match[1] !== WEBHOOK_ID || match[2] !== WEBHOOK_TOKEN) return json(res, 404, { message: 'Unknown Webhook', code: 10015 });
      return messageEdit(res, body, CHANNEL_ID, match[3] as string, WEBHOOK_ID);
    }
    json(res, 404, { message: '404: Not Found', code: 0 });
  }

  /** An edit by its author: the bot edits the bot's messages, a webhook its own. */
  function messageEdit(res: ServerResponse, body: any, channelId: string, messageId: string, webhookId: string | null): void {
    const message = messages.find((m) => m.id === messageId && m.channelId === channelId);
    if (!message) return json(res, 404, { message: 'Unknown Message', code: 10008 });
    if (message.webhookId !== webhookId) return json(res, 403, { message: 'Cannot edit a message authored by another user', code: 50005 });
    const script = editScripts.shift();
    if (script) return json(res, script.status, script.body ?? {}, script.headers);
    message.edits.push(body);
    message.body = { ...message.body, ...body };
    json(res, 200, apiMessage(message, false));
  }

  function messagePost(res: ServerResponse, body: any, files: UploadedFile[], channelId: string, webhookId: string | null): void {
    const script = scripts.shift();
    if (script === 'destroy') {
      res.socket?.destroy();
      return;
    }
    if (script === 'hold') {
      held.push(res);
      return;
    }
    if (script !== undefined && script !== 'accept' && script !== 'accept-and-hold' && script !== 'accept-and-destroy') {
      return json(res, script.status, script.body ?? {}, script.headers);
    }
    const nonce = typeof body?.nonce === 'string' || typeof body?.nonce === 'number' ? String(body.nonce) : null;
    const enforced = webhookId === null && body?.enforce_nonce === true && nonce !== null;
    const existing = enforced ? nonces.get(`${channelId}:${nonce}`) : undefined;
    const message = existing ?? { id: snowflake(), channelId, webhookId, nonce, body, files, edits: [], at: Date.now() };
    if (!existing) messages.push(message);
    if (enforced) nonces.set(`${channelId}:${nonce}`, message);
    if (script === 'accept-and-hold') {
      held.push(res);
      return;
    }
    if (script === 'accept-and-destroy') {
      res.socket?.destroy();
      return;
    }
    json(res, 200, apiMessage(message));
  }

  /** A page of a channel's messages as Discord lists them: newest first, at most `limit` (1–100, default 50). */
  function listMessages(channelId: string, query: URLSearchParams): CreatedMessage[] {
    const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50)));
    const id = (name: string) => (query.has(name) ? BigInt(query.get(name) as string) : null);
    const [after, before, around] = [id('after'), id('before'), id('around')];
    const inChannel = messages.filter((m) => m.channelId === channelId).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? 1 : -1));
    if (after !== null) return inChannel.filter((m) => BigInt(m.id) > after).slice(-limit);
    if (before !== null) return inChannel.filter((m) => BigInt(m.id) < before).slice(0, limit);
    if (around !== null) {
      const newer = inChannel.filter((m) => BigInt(m.id) >= around).slice(-Math.ceil(limit / 2));
      return [...newer, ...inChannel.filter((m) => BigInt(m.id) < around).slice(0, limit - newer.length)];
    }
    return inChannel.slice(0, limit);
  }

  /** Interaction callbacks, the interaction webhook (edits, follow-ups, deletes), command registration. */
  function handleInteractionRoute(request: RecordedRequest, res: ServerResponse, authorized: boolean): boolean {
    const { method, path, body, files } = request;
    const answer = (status: number, payload: unknown): true => {
      json(res, status, payload);
      return true;
    };
    let match = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path);
    if (method === 'POST' && match) {
      const record = interactions.find((r) => r.id === match?.[1] && r.token === match?.[2]);
      if (!record) return answer(404, { message: 'Unknown interaction', code: 10062 });
      if (record.callbacks.length > 0) return answer(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      record.callbacks.push(body);
      const type = Number(body?.type);
      if (type === 4 || type === 5) record.original = interactionMessage(record, type === 4 ? (body?.data ?? {}) : { content: '', flags: body?.data?.flags ?? 0 }, files);
      if (type === 7 && record.original) record.original.body = { ...record.original.body, ...(body?.data ?? {}) };
      if (request.query.get('with_response') !== 'true') return answer(204, null);
      return answer(200, { interaction: { id: record.id, type: record.type }, resource: { type, ...(record.original ? { message: apiMessage(record.original) } : {}) } });
    }
    match = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(path);
    if (match && match[1] === APPLICATION_ID) {
      const record = interactions.find((r) => r.token === match?.[2]);
      if (!record) return answer(404, { message: 'Unknown Webhook', code: 10015 });
      const target = match[3];
      if (method === 'PATCH' && target !== undefined) {
        record.edits.push(body);
        if (!record.original) return answer(404, { message: 'Unknown Message', code: 10008 });
        record.original.body = { ...record.original.body, ...body };
        if (files.length > 0) record.original.files = files;
        return answer(200, interactionApiMessage(record.original));
      }
      if (method === 'DELETE' && target !== undefined) {
        record.deletes++;
        return answer(204, null);
      }
      if (method === 'POST' && target === undefined) {
        record.followups.push(body);
        return answer(200, interactionApiMessage(interactionMessage(record, body ?? {}, files)));
      }
      return false;
    }
    if (method === 'GET' && path === '/applications/@me') {
      if (!authorized) return answer(401, { message: '401: Unauthorized', code: 0 });
      return answer(200, { id: APPLICATION_ID, name: 'Sancocho', description: '', bot_public: true, bot_require_code_grant: false, flags: 0 });
    }
    match = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path);
    if (method === 'PUT' && match) {
      if (!authorized) return answer(401, { message: '401: Unauthorized', code: 0 });
      if (match[1] !== APPLICATION_ID) return answer(403, { message: 'Missing Access', code: 50001 });
      const guildId = match[2];
      if (guildId !== undefined && guildId !== GUILD_ID) return answer(403, { message: 'Missing Access', code: 50001 });
      const registered = (Array.isArray(body) ? body : []).map((definition: any) => ({
        id: snowflake(),
        application_id: APPLICATION_ID,
        version: snowflake(),
        default_member_permissions: null,
        type: 1,
        ...definition,
        ...(guildId ? { guild_id: guildId } : {}),
      }));
      if (guildId) commands.guilds.set(guildId, registered);
      else commands.global = registered;
      return answer(200, registered);
    }
    return false;
  }

  function interactionMessage(record: InteractionRecord, body: any, files: UploadedFile[] = []): CreatedMessage {
    const channelId = String(record.payload.channel?.id ?? CHANNEL_ID);
    return { id: snowflake(), channelId, webhookId: APPLICATION_ID, nonce: null, body, files, edits: [], at: Date.now() };
  }

  /** A message sent through an interaction: by the bot, with the flags and components it was given. */
  function interactionApiMessage(message: CreatedMessage) {
    return {
      ...apiMessage(message),
      author: botUser(),
      flags: Number(message.body?.flags ?? 0),
      components: message.body?.components ?? [],
      application_id: APPLICATION_ID,
    };
  }

  function dispatchInteraction(type: number, data: object, invoker: Invoker, extra: object = {}): InteractionRecord {
    const guildId = invoker.guildId ?? GUILD_ID;
    const session = sessions.findLast(({ shard: [shard, count] }) => shardOf(guildId, count) === shard);
    if (!session) throw new Error(`fake-discord: no logged-in client runs the shard of guild ${guildId}`);
    const { dispatch } = session;
    const id = snowflake();
    const userId = invoker.userId ?? MEMBER_USER_ID;
    const user = { id: userId, username: invoker.username ?? `user${userId.slice(-2)}`, discriminator: '0', global_name: null, avatar: null };
    const channelId = invoker.channelId ?? channels.find((c) => (c.guildId ?? GUILD_ID) === guildId)?.id ?? CHANNEL_ID;
    const channel = channels.find((c) => c.id === channelId);
    const payload = {
      id,
      application_id: APPLICATION_ID,
      type,
      token: `interaction-token-${id}`,
      version: 1,
      data: { ...data, guild_id: guildId },
      guild_id: guildId,
      guild: { id: guildId, locale: 'es-ES', features: [] },
      channel_id: channelId,
      channel: { id: channelId, type: channel?.type ?? 0, name: channel?.name ?? 'unknown', guild_id: guildId },
      member: {
        user,
        roles: [],
        permissions: String(invoker.permissions ?? MEMBER_PERMISSIONS),
        joined_at: new Date(0).toISOString(),
        premium_since: null,
        nick: null,
        avatar: null,
        deaf: false,
        mute: false,
        pending: false,
        flags: 0,
        communication_disabled_until: null,
      },
      app_permissions: String(MANAGER_PERMISSIONS),
      locale: 'en-US',
      guild_locale: 'es-ES',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 26_214_400,
      ...extra,
    };
    const record: InteractionRecord = {
      id,
      token: payload.token,
      type,
      payload,
      callbacks: [],
      edits: [],
      followups: [],
      deletes: 0,
      original: null,
      shard: session.shard[0],
    };
    interactions.push(record);
    dispatch('INTERACTION_CREATE', payload);
    return record;
  }

  /** The registered definition of a command, or undefined when it was never registered here. */
  function definition(name: string): any {
    return [...(commands.guilds.get(GUILD_ID) ?? []), ...(commands.global ?? [])].find((c) => c.name === name);
  }

  function commandData(name: string, invocation: CommandInvocation, focused?: string) {
    const command = definition(name);
    const leafDefinitions: any[] =
      (invocation.subcommand ? command?.options?.find((o: any) => o.name === invocation.subcommand)?.options : command?.options) ?? [];
    const resolvedChannels: Record<string, object> = {};
    const leaves = Object.entries(invocation.options ?? {}).map(([optionName, input]) => {
      const explicit = typeof input === 'object' ? input : null;
      const value = explicit ? explicit.value : input;
      const type =
        explicit?.type ??
        leafDefinitions.find((o: any) => o.name === optionName)?.type ??
        (typeof value === 'boolean' ? 5 : typeof value === 'number' ? (Number.isInteger(value) ? 4 : 10) : 3);
      if (type === 7) {
        const channel = channels.find((c) => c.id === String(value));
        resolvedChannels[String(value)] = {
          id: String(value),
          name: channel?.name ?? 'unknown',
          type: channel?.type ?? 0,
          permissions: String(MANAGER_PERMISSIONS),
          guild_id: channel?.guildId ?? GUILD_ID,
        };
      }
      return { name: optionName, type, value, ...(optionName === focused ? { focused: true } : {}) };
    });
    return {
      id: command?.id ?? snowflake(),
      name,
      type: 1,
      guild_id: GUILD_ID,
      options: invocation.subcommand ? [{ name: invocation.subcommand, type: 1, options: leaves }] : leaves,
      ...(Object.keys(resolvedChannels).length > 0 ? { resolved: { channels: resolvedChannels } } : {}),
    };
  }

  /** A message as the API returns it; Discord keeps no nonce, so only the answer to the POST carries it. */
  function apiMessage(message: CreatedMessage, withNonce = true) {
    return {
      id: message.id,
      type: 0,
      channel_id: message.channelId,
      ...(message.webhookId ? { webhook_id: message.webhookId } : { guild_id: GUILD_ID }),
      author: message.webhookId
        ? { id: message.webhookId, username: 'Sancocho', discriminator: '0000', avatar: null, bot: true }
        : botUser(),
      content: message.body?.content ?? '',
      embeds: message.body?.embeds ?? [],
      attachments: message.files.map((file, index) => ({
        id: `${message.id.slice(0, -2)}${String(index).padStart(2, '0')}`,
        filename: file.filename,
        size: file.bytes.length,
        content_type: file.contentType,
        url: `http://127.0.0.1:${port}/attachments/${message.channelId}/${message.id}/${encodeURIComponent(file.filename)}`,
      })),
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date(message.at).toISOString(),
      edited_timestamp: message.edits.length > 0 ? new Date().toISOString() : null,
      flags: 0,
      components: [],
      ...(withNonce && message.nonce ? { nonce: message.nonce } : {}),
    };
  }

  function botUser() {
    return { id: BOT_USER_ID, username: 'Sancocho', discriminator: '0', global_name: null, avatar: null, bot: true };
  }

  wss.on('connection', (socket) => {
    gateway.connections++;
    sockets.add(socket);
    let sequence = 0;
    const send = (payload: object) => socket.send(JSON.stringify(payload));
    const dispatch = (t: string, d: object) => send({ op: 0, t, s: ++sequence, d });
    socket.on('close', () => {
      gateway.closes++;
      sockets.delete(socket);
      const index = sessions.findIndex((session) => session.dispatch === dispatch);
      if (index >= 0) sessions.splice(index, 1);
    });
    socket.on('message', (data) => {
      const payload = JSON.parse(String(data)) as { op: number; d: any };
      if (payload.op === 1) send({ op: 11 });
      if (payload.op === 2) {
        const [shard, count] = Array.isArray(payload.d?.shard) ? (payload.d.shard as [number, number]) : [0, 1];
        gateway.identifies.push({ token: String(payload.d?.token), intents: Number(payload.d?.intents), shard: [shard, count] });
        if (payload.d?.token !== token) {
          socket.close(4004, 'Authentication failed');
          return;
        }
        dispatch('READY', {
          v: 10,
          user: botUser(),
          guilds: [],
          session_id: 'fake-session',
          resume_gateway_url: gatewayUrl,
          application: { id: APPLICATION_ID, flags: 0 },
          shard: [shard, count],
        });
        const guilds = [...new Set([GUILD_ID, ...channels.map((c) => c.guildId ?? GUILD_ID)])];
        for (const guildId of guilds.filter((guild) => shardOf(guild, count) === shard)) {
          dispatch('GUILD_CREATE', {
            id: guildId,
            name: guildId === GUILD_ID ? 'Sancocho test' : `Server ${guildId.slice(-2)}`,
            unavailable: false,
            owner_id: '1',
            member_count: 1,
            roles: [],
            emojis: [],
            features: [],
            channels: channels
              .filter((c) => (c.guildId ?? GUILD_ID) === guildId)
              .map((c) => ({ id: c.id, type: c.type ?? 0, name: c.name, position: 0, permission_overwrites: [] })),
          });
        }
        sessions.push({ dispatch, shard: [shard, count] });
      }
    });
    send({ op: 10, d: { heartbeat_interval: 41_250 } });
  });

  return {
    api: `http://127.0.0.1:${port}/api`,
    token,
    requests,
    messages,
    gateway,
    commands,
    interactions,
    command: (name, invocation = {}) => dispatchInteraction(2, commandData(name, invocation), invocation),
    autocomplete: (name, invocation) => dispatchInteraction(4, commandData(name, invocation, invocation.focused), invocation),
    click(customId, on, invoker = {}) {
      const message = 'token' in on ? on.original : on;
      if (!message) throw new Error('fake-discord: that interaction has no message to click on');
      const record = dispatchInteraction(3, { custom_id: customId, component_type: 2 }, invoker, {
        message: { ...interactionApiMessage(message), channel_id: invoker.channelId ?? message.channelId },
      });
      record.original = message;
      return record;
    },
    async answer(record, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const callback = record.callbacks[0];
        const type = Number(callback?.type);
        if (callback && (type === 4 || type === 7 || type === 8)) {
          return { callbackType: type, ephemeral: (Number(callback.data?.flags ?? 0) & 64) === 64, body: callback.data ?? {}, record };
        }
        const later = record.edits[0] ?? record.followups[0];
        if (callback && later) {
          const viaFollowup = record.edits.length === 0;
          const flags = Number((viaFollowup ? later.flags : (record.original?.body?.flags ?? callback.data?.flags)) ?? 0);
          return { callbackType: type, ephemeral: (flags & 64) === 64, body: later, record };
        }
        if (Date.now() > deadline) {
          throw new Error(`fake-discord: interaction ${record.id} was not answered (callbacks ${record.callbacks.length}, edits ${record.edits.length}, follow-ups ${record.followups.length})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    scriptMessages: (...next) => void scripts.push(...next),
    scriptEdits: (...next) => void editScripts.push(...next),
    forgetNonces: () => nonces.clear(),
    messagePosts: () => requests.filter((r) => r.method === 'POST' && /\/messages$|^\/webhooks\//.test(r.path)),
    webhookUrl: (id = WEBHOOK_ID, webhookToken = WEBHOOK_TOKEN) => `http://127.0.0.1:${port}/api/webhooks/${id}/${webhookToken}`,
    async waitFor(condition, timeoutMs = 10_000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`fake-discord: timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      for (const res of held) res.socket?.destroy();
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A request body as Discord reads it: JSON, or multipart with `payload_json` and `files[n]` parts. */
async function readBody(req: IncomingMessage, raw: Buffer): Promise<{ body: any; files: UploadedFile[] }> {
  const contentType = String(req.headers['content-type'] ?? '');
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: UploadedFile[] = [];
    let body: any = {};
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
        continue;
      }
      files.push({ field, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    return { body, files };
  }
  const text = raw.toString('utf8');
  if (text === '') return { body: null, files: [] };
  try {
    return { body: JSON.parse(text), files: [] };
  } catch {
    return { body: text, files: [] };
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
