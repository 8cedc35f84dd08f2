import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SnowflakeUtil } from 'discord.js';
import { WebSocketServer } from 'ws';

const PEER_BOT_TOKEN = 'bench-bot.token.sancocho';
const PEER_BOT_USER_ID = '111111111111111111';
const PEER_APPLICATION_ID = '222222222222222222';
const PEER_GUILD_ID = '333333333333333333';
export const PEER_CHANNEL_ID = '444444444444444444';
export const PEER_WEBHOOK_ID = '666666666666666666';
export const PEER_WEBHOOK_TOKEN = 'bench-webhook-token';

/** A message the peer created: in the channel by the bot, or by the webhook. */
export interface PeerMessage {
  id: string;
  channelId: string;
  webhookId: string | null;
  nonce: string | null;
  content: string;
  embeds: unknown[];
  at: number;
}

export interface DiscordPeer {
  /** The REST base to give as `DISCORD_API_BASE` (discord.js appends `/v10`). */
  api: string;
  token: string;
  /** `https://…/webhooks/:id/:token` shaped URL of the peer's one webhook. */
  webhookUrl: string;
  /** Every message created, in order. */
  messages: PeerMessage[];
  /** Message POSTs received (a resend that Discord answers with the message its nonce made counts too). */
  posts(): number;
  /** The next message POST creates its message, then is never answered: its sender waits until it dies or the peer closes. */
  holdNextMessage(): void;
  close(): Promise<void>;
}

/**
 * A loopback Discord for the benches, REST v10 and the gateway as the real discord.js client uses
 * them: a bot logs in (`GET /gateway/bot`, IDENTIFY → READY and one server with one channel),
 * registers its commands, posts to the channel with `enforce_nonce` (the same nonce returns the same
 * message, as Discord does for a few minutes) and lists the channel's messages (`after`, `limit`,
 * newest first) to look for a part before resending it; a webhook posts with `wait=true`. Multipart
 * posts (a file attached) are read for their `payload_json`. `onMessage` hears each creation as it happens.
 */
export async function startDiscordPeer(options: { onMessage?: (message: PeerMessage) => void } = {}): Promise<DiscordPeer> {
  const messages: PeerMessage[] = [];
  const nonces = new Map<string, PeerMessage>();
  const held: ServerResponse[] = [];
  let posts = 0;
  let holdNext = false;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, readBody(req, Buffer.concat(chunks))));
  });
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gatewayUrl = origin.replace('http', 'ws');
  const botUser = { id: PEER_BOT_USER_ID, username: 'Sancocho', discriminator: '0', global_name: null, avatar: null, bot: true };
  const channel = { id: PEER_CHANNEL_ID, type: 0, name: 'noticias', guild_id: PEER_GUILD_ID, position: 0, permission_overwrites: [] };

  function handle(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname.replace(/^\/api\/v10/, '');
    const method = req.method ?? 'GET';
    const asBot = req.headers.authorization === `Bot ${PEER_BOT_TOKEN}`;
    const webhook = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path);
    if (method === 'POST' && webhook) {
      if (webhook[1] !== PEER_WEBHOOK_ID || webhook[2] !== PEER_WEBHOOK_TOKEN) return json(res, 404, { message: 'Unknown Webhook', code: 10015 });
      return post(res, body, PEER_WEBHOOK_ID);
    }
    if (!asBot) return json(res, 401, { message: '401: Unauthorized', code: 0 });
    if (method === 'GET' && path === '/gateway/bot') {
      return json(res, 200, { url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 14_400_000, max_concurrency: 1 } });
    }
    if (method === 'GET' && path === '/users/@me') return json(res, 200, botUser);
    if (method === 'GET' && path === '/applications/@me') return json(res, 200, { id: PEER_APPLICATION_ID, name: 'Sancocho', flags: 0 });
    if (method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
      return json(res, 200, (Array.isArray(body) ? body : []).map((command: object, index: number) => ({ ...command, id: String(900 + index), application_id: PEER_APPLICATION_ID, version: '1' })));
    }
    if (method === 'GET' && path === `/channels/${PEER_CHANNEL_ID}`) return json(res, 200, channel);
    if (path === `/channels/${PEER_CHANNEL_ID}/messages`) {
      if (method === 'POST') return post(res, body, null);
      if (method === 'GET') return json(res, 200, list(url.searchParams).map(apiMessage));
    }
    json(res, 404, { message: '404: Not Found', code: 0 });
  }

  function post(res: ServerResponse, body: Record<string, unknown>, webhookId: string | null): void {
    posts++;
    const nonce = typeof body.nonce === 'string' || typeof body.nonce === 'number' ? String(body.nonce) : null;
    const enforced = webhookId === null && body.enforce_nonce === true && nonce !== null;
    let message = enforced ? nonces.get(nonce) : undefined;
    if (!message) {
      const content = typeof body.content === 'string' ? body.content : '';
      const embeds = Array.isArray(body.embeds) ? body.embeds : [];
      message = { id: SnowflakeUtil.generate().toString(), channelId: PEER_CHANNEL_ID, webhookId, nonce, content, embeds, at: Date.now() };
      messages.push(message);
      if (enforced) nonces.set(nonce, message);
      options.onMessage?.(message);
    }
    if (holdNext) {
      holdNext = false;
      held.push(res);
      return;
    }
    json(res, 200, apiMessage(message));
  }

  /** The channel's messages after `after` (or all), newest first, at most `limit`, as Discord lists them. */
  function list(query: URLSearchParams): PeerMessage[] {
    const after = BigInt(query.get('after') ?? '0');
    const limit = Math.min(100, Number(query.get('limit') ?? 50));
    const newer = messages.filter((message) => BigInt(message.id) > after);
    return newer.slice(0, limit).reverse();
  }

  function apiMessage(message: PeerMessage) {
    const author = message.webhookId ? { id: message.webhookId, username: 'Webhook', discriminator: '0000', avatar: null, bot: true } : botUser;
    return {
      id: message.id,
      type: 0,
      channel_id: message.channelId,
      ...(message.webhookId ? { webhook_id: message.webhookId } : {}),
      author,
      content: message.content,
      embeds: message.embeds,
      attachments: [],
      mentions: [],
      mention_roles: [],
      pinned: false,
      mention_everyone: false,
      tts: false,
      timestamp: new Date(message.at).toISOString(),
      edited_timestamp: null,
      flags: 0,
      components: [],
    };
  }

  wss.on('connection', (socket) => {
    let sequence = 0;
    const send = (payload: object) => socket.send(JSON.stringify(payload));
    const dispatch = (t: string, d: object) => send({ op: 0, t, s: ++sequence, d });
    socket.on('message', (data) => {
      const payload = JSON.parse(String(data)) as { op: number; d?: { token?: string } };
      if (payload.op === 1) send({ op: 11 });
      if (payload.op !== 2) return;
      if (payload.d?.token !== PEER_BOT_TOKEN) return socket.close(4004, 'Authentication failed');
      dispatch('READY', { v: 10, user: botUser, guilds: [], session_id: 'bench-session', resume_gateway_url: gatewayUrl, application: { id: PEER_APPLICATION_ID, flags: 0 }, shard: [0, 1] });
      dispatch('GUILD_CREATE', {
        id: PEER_GUILD_ID,
        name: 'Sancocho bench',
        unavailable: false,
        owner_id: '1',
        member_count: 1,
        roles: [],
        emojis: [],
        features: [],
        channels: [{ id: channel.id, type: channel.type, name: channel.name, position: 0, permission_overwrites: [] }],
      });
    });
    send({ op: 10, d: { heartbeat_interval: 41_250 } });
  });

  return {
    api: `${origin}/api`,
    token: PEER_BOT_TOKEN,
    webhookUrl: `${origin}/api/webhooks/${PEER_WEBHOOK_ID}/${PEER_WEBHOOK_TOKEN}`,
    messages,
    posts: () => posts,
    holdNextMessage: () => {
      holdNext = true;
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const res of held) res.socket?.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** JSON, or a multipart post's `payload_json` (discord.js's way when a file is attached); `{}` when neither. */
function readBody(req: IncomingMessage, raw: Buffer): Record<string, unknown> {
  const type = req.headers['content-type'] ?? '';
  let text = raw.toString('utf8');
  if (type.startsWith('multipart/form-data')) {
    text = /name="payload_json"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(text)?.[1] ?? '';
  }
  try {
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
