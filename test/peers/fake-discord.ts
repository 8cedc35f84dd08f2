import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A fake Discord on 127.0.0.1: REST v10 over HTTP and a gateway over WebSocket, enough for the real
 * discord.js client to log in (`rest: { api }`; the gateway URL comes from `GET /gateway/bot`) and
 * for the real WebhookClient to post. Every request is recorded with its JSON body; message POSTs
 * can be scripted (429, 500, hold the request open, accept and then hold, drop the connection).
 * Messages honour `enforce_nonce` as Discord does: the same nonce returns the same message.
 */

export const BOT_USER_ID = '111111111111111111';
export const APPLICATION_ID = '222222222222222222';
export const GUILD_ID = '333333333333333333';
export const CHANNEL_ID = '444444444444444444';
export const FORBIDDEN_CHANNEL_ID = '555555555555555555';
export const WEBHOOK_ID = '666666666666666666';
export const WEBHOOK_TOKEN = 'fake-webhook-token_123';

export interface RecordedRequest {
  method: string;
  /** Decoded path without the `/api/v10` prefix, e.g. `/channels/123/messages`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
  at: number;
}

export interface CreatedMessage {
  id: string;
  channelId: string;
  webhookId: string | null;
  nonce: string | null;
  body: any;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What to do with the next message POST. */
export type MessageScript = FakeReply | 'accept' | 'hold' | 'accept-and-hold' | 'destroy';

export interface FakeDiscordOptions {
  token?: string;
  /** Text channels in the guild besides the default one. */
  channels?: { id: string; name: string }[];
}

export interface FakeDiscord {
  /** Give this to discord.js as `rest: { api }`. */
  api: string;
  token: string;
  requests: RecordedRequest[];
  /** Messages created, in order. */
  messages: CreatedMessage[];
  gateway: { connections: number; identifies: { token: string; intents: number }[]; closes: number };
  /** Scripts the next message POSTs (channel or webhook), one per request, in order; then accepted. */
  scriptMessages(...scripts: MessageScript[]): void;
  /** POSTs of messages seen (accepted or not). */
  messagePosts(): RecordedRequest[];
  webhookUrl(id?: string, token?: string): string;
  waitFor(condition: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? 'fake-bot-token.abc.def';
  const channels = [{ id: CHANNEL_ID, name: 'noticias' }, { id: FORBIDDEN_CHANNEL_ID, name: 'privado' }, ...(options.channels ?? [])];
  const requests: RecordedRequest[] = [];
  const messages: CreatedMessage[] = [];
  const scripts: MessageScript[] = [];
  const held: ServerResponse[] = [];
  const gateway = { connections: 0, identifies: [] as { token: string; intents: number }[], closes: 0 };
  let nextId = 900000000000000000n;
  const snowflake = () => String(nextId++);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        json(res, 500, { message: `fake discord bug: ${String(error)}`, code: 0 });
      }
    });
  });
  const wss = new WebSocketServer({ server });
  const sockets = new Set<WebSocket>();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const gatewayUrl = `ws://127.0.0.1:${port}`;

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    let body: any = null;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const request: RecordedRequest = { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body, at: Date.now() };
    requests.push(request);
    const authorized = req.headers.authorization === `Bot ${token}`;

    if (request.method === 'GET' && path === '/gateway/bot') {
      if (!authorized) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      return json(res, 200, {
        url: gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 14_400_000, max_concurrency: 1 },
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
      return json(res, 200, { id: channel.id, type: 0, name: channel.name, guild_id: GUILD_ID, position: 0, permission_overwrites: [] });
    }
    match = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (request.method === 'POST' && match) {
      if (!authorized) return json(res, 401, { message: '401: Unauthorized', code: 0 });
      const channelId = match[1] as string;
      if (!channels.some((c) => c.id === channelId)) return json(res, 404, { message: 'Unknown Channel', code: 10003 });
      if (channelId === FORBIDDEN_CHANNEL_ID) return json(res, 403, { message: 'Missing Access', code: 50001 });
      return messagePost(res, body, channelId, null);
    }
    match = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path);
    if (request.method === 'POST' && match) {
      if (match[1] !== WEBHOOK_ID || match[2] !== WEBHOOK_TOKEN) return json(res, 404, { message: 'Unknown Webhook', code: 10015 });
      return messagePost(res, body, CHANNEL_ID, WEBHOOK_ID);
    }
    json(res, 404, { message: '404: Not Found', code: 0 });
  }

  function messagePost(res: ServerResponse, body: any, channelId: string, webhookId: string | null): void {
    const script = scripts.shift();
    if (script === 'destroy') {
      res.socket?.destroy();
      return;
    }
    if (script === 'hold') {
      held.push(res);
      return;
    }
    if (script !== undefined && script !== 'accept' && script !== 'accept-and-hold') {
      return json(res, script.status, script.body ?? {}, script.headers);
    }
    const nonce = typeof body?.nonce === 'string' || typeof body?.nonce === 'number' ? String(body.nonce) : null;
    const existing = webhookId === null && body?.enforce_nonce === true && nonce !== null ? messages.find((m) => m.nonce === nonce && m.channelId === channelId) : undefined;
    const message = existing ?? { id: snowflake(), channelId, webhookId, nonce, body };
    if (!existing) messages.push(message);
    if (script === 'accept-and-hold') {
      held.push(res);
      return;
    }
    json(res, 200, apiMessage(message));
  }

  function apiMessage(message: CreatedMessage) {
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
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: 0,
      components: [],
      ...(message.nonce ? { nonce: message.nonce } : {}),
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
    });
    socket.on('message', (data) => {
      const payload = JSON.parse(String(data)) as { op: number; d: any };
      if (payload.op === 1) send({ op: 11 });
      if (payload.op === 2) {
        gateway.identifies.push({ token: String(payload.d?.token), intents: Number(payload.d?.intents) });
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
        });
        dispatch('GUILD_CREATE', {
          id: GUILD_ID,
          name: 'Sancocho test',
          unavailable: false,
          owner_id: '1',
          member_count: 1,
          roles: [],
          emojis: [],
          features: [],
          channels: channels.map((c) => ({ id: c.id, type: 0, name: c.name, position: 0, permission_overwrites: [] })),
        });
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
    scriptMessages: (...next) => void scripts.push(...next),
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

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
