import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback OpenAI-compatible chat server. The real `openai` client talks to it over HTTP; each
 * test scripts the answers (a queue, then a default responder) and reads back every request body.
 * Token usage is estimated the way the report quotes it: characters / 4, rounded up.
 */

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: ChatRequest;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON, a string as is. */
  body?: unknown;
  /** Waits this long before answering (to trip client timeouts). */
  delayMs?: number;
  /** Sends the headers and the first bytes of the body, then nothing for this long. */
  stallBodyMs?: number;
  /** Sends the body one byte every this many milliseconds (a body that never seems to end). */
  dripMs?: number;
}

/**
 * How servers without structured outputs refuse a `response_format` they do not support, as seen in
 * the wild: OpenAI's own 400, old vLLM's `{"object":"error"}` 400, a FastAPI wrapper's 422
 * validation error, llama-cpp-python's 500 (every time), and a proxy's 400 with no body at all.
 */
export const REFUSAL_SHAPES = ['openai', 'vllm', 'fastapi', 'llama-cpp', 'no-body'] as const;
export type RefusalShape = (typeof REFUSAL_SHAPES)[number];

export function refusal(shape: RefusalShape): FakeResponse {
  switch (shape) {
    case 'openai':
      return apiError(400, "Invalid value for 'response_format': json_schema is not supported by this model", { param: 'response_format' });
    case 'vllm':
      return { status: 400, body: { object: 'error', message: '1 validation error for ChatCompletionRequest', type: 'BadRequestError', param: null, code: 400 } };
    case 'fastapi':
      return { status: 422, body: { detail: [{ loc: ['body', 'rf', 'type'], msg: "unexpected value; permitted: 'text'", type: 'value_error.const' }] } };
    case 'llama-cpp':
      return { status: 500, body: { error: { code: 500, message: 'Internal Server Error', type: 'server_error' } } };
    case 'no-body':
      return { status: 400, body: '' };
  }
}

export type Responder = (request: ChatRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeOpenAIServer {
  /** Give this to the client as `baseURL`. */
  baseURL: string;
  requests: RecordedRequest[];
  /** Served first, one per request, in order; then the default responder answers. */
  enqueue(...responses: (FakeResponse | Responder)[]): void;
  setDefault(responder: Responder): void;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /** Answers when the queue is empty; defaults to `keywordResponder()`. */
  responder?: Responder;
  /** Refuse `response_format: json_schema` with a 400, as servers without structured outputs do. */
  rejectJsonSchema?: boolean;
  /** Refuse these response format types (default json_schema) in this shape. */
  refuse?: { shape: RefusalShape; formats?: string[] };
}

export async function startOpenAIServer(options: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
  const requests: RecordedRequest[] = [];
  const queue: (FakeResponse | Responder)[] = [];
  let fallback: Responder = options.responder ?? keywordResponder();

  const answer = async (body: ChatRequest): Promise<FakeResponse> => {
    if (options.rejectJsonSchema && body.response_format?.type === 'json_schema') {
      return refusal('openai');
    }
    const type = body.response_format?.type;
    if (options.refuse && type && (options.refuse.formats ?? ['json_schema']).includes(type)) return refusal(options.refuse.shape);
    const next = queue.shift() ?? fallback;
    return typeof next === 'function' ? next(body) : next;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake server bug: ${String(error)}`, type: 'server_error' } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      send(res, apiError(404, `no route ${req.method} ${path}`));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
    requests.push({ method: req.method, path, headers: req.headers, body });
    const response = await answer(body);
    if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
    if (!res.destroyed) await send(res, response);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...responses) => queue.push(...responses),
    setDefault: (responder) => {
      fallback = responder;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function send(res: ServerResponse, response: FakeResponse): Promise<void> {
  const isText = typeof response.body === 'string';
  const text = isText ? (response.body as string) : JSON.stringify(response.body ?? {});
  res.writeHead(response.status ?? 200, {
    'content-type': isText ? 'text/plain' : 'application/json',
    ...response.headers,
  });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  if (response.stallBodyMs !== undefined) {
    res.write(text.slice(0, 1));
    await pause(response.stallBodyMs);
  }
  if (response.dripMs !== undefined) {
    for (const char of text) {
      if (res.destroyed) return;
      res.write(char);
      await pause(response.dripMs);
    }
  }
  if (!res.destroyed) res.end(response.stallBodyMs !== undefined || response.dripMs !== undefined ? '' : text);
}

const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** A proper `chat.completion` whose message is `content`, with usage estimated from the request. */
export function completion(request: ChatRequest, content: string, finishReason = 'stop'): FakeResponse {
  const promptTokens = estimateTokens(request.messages.map((message) => message.content).join(''));
  const completionTokens = estimateTokens(content);
  return {
    body: {
      id: `chatcmpl-fake-${Math.random().toString(36).slice(2)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
  };
}

/** An OpenAI-style error body. */
export function apiError(
  status: number,
  message: string,
  extra: { headers?: Record<string, string>; param?: string } = {},
): FakeResponse {
  const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return {
    status,
    ...(extra.headers ? { headers: extra.headers } : {}),
    body: { error: { message, type, param: extra.param ?? null, code: null } },
  };
}

/** Answers every request with the same message content. */
export const replyWith =
  (content: string | ((request: ChatRequest) => string)): Responder =>
  (request) =>
    completion(request, typeof content === 'string' ? content : content(request));

export interface FencedItem {
  tag: string;
  ref: string;
  text: string;
}

/** The items of a request as the fence presents them: `<tag ref="N" …>text</tag>`. */
export function fencedItems(request: ChatRequest): FencedItem[] {
  const user = request.messages.filter((message) => message.role === 'user').map((message) => message.content).join('\n');
  return [...user.matchAll(/<(item_[0-9a-f]+) ref="([^"]+)"[^>]*>([\s\S]*?)<\/\1>/g)].map((match) => ({
    tag: match[1] as string,
    ref: match[2] as string,
    text: match[3] as string,
  }));
}

/** Keywords a naive model would label by; each theme id maps to a pattern over the item text. */
export const DEFAULT_KEYWORDS: Record<string, RegExp> = {
  'regional-integration': /mercosu[lr]|celac|unasur|\boas\b|\boea\b/i,
  'trade-tariffs': /tariff|arancel|tarifa|trade deal|acuerdo comercial/i,
  'us-venezuela': /caribbean strike|drug boat|chevron licen[cs]e/i,
  'venezuela-crisis': /machado|venezuelan opposition|oposición venezolana/i,
  'security-crime': /cartel|tren de aragua|trafficking|narco/i,
  'us-policy': /washington|deportation|deportaci/i,
  'china-latam': /china|chinese|beijing|pekín/i,
  'ideological-divide': /milei|petro|bukele|left-wing|right-wing/i,
  'resources-autonomy': /lithium|litio|oil|petróleo|petroleo/i,
};

/**
 * The default model: labels each fenced item by keyword, quoting the words that matched, and
 * answers in the requested JSON shape. Like a well-behaved model, it reads only the item's own text.
 */
export function keywordResponder(keywords: Record<string, RegExp> = DEFAULT_KEYWORDS): Responder {
  return (request) => {
    const items = fencedItems(request).map((item) => ({
      id: item.ref,
      themes: Object.entries(keywords).flatMap(([theme, pattern]) => {
        const match = pattern.exec(item.text);
        return match ? [{ theme, quote: match[0] }] : [];
      }),
    }));
    return completion(request, JSON.stringify({ items }));
  };
}

const ALL_THEMES = Object.keys(DEFAULT_KEYWORDS);
const INJECTION = /ignore (all |your |previous )*instructions|ignora las instrucciones/i;

/**
 * A model that obeys instructions hidden in an item: when any item of the request tells it to, it
 * labels every item of the request with every theme, quoting each item's first words so the quotes
 * are found. Otherwise it is `model`.
 */
export function obedientResponder(model: Responder = keywordResponder(), trigger: RegExp = INJECTION): Responder {
  return (request) => {
    const items = fencedItems(request);
    if (!items.some((item) => trigger.test(item.text))) return model(request);
    const answer = items.map((item) => {
      const quote = item.text.trim().split(/\s+/).slice(0, 3).join(' ');
      return { id: item.ref, themes: ALL_THEMES.map((theme) => ({ theme, quote })) };
    });
    return completion(request, JSON.stringify({ items: answer }));
  };
}

/** Whether a request asks for the lens fields: its schema names `direction`, or its prompt does. */
export function asksForLens(request: ChatRequest): boolean {
  return JSON.stringify(request.response_format ?? {}).includes('"direction"') || request.messages.some((message) => message.content.includes('`direction`'));
}

/** The key a gold responder finds an item by: its title as the fence shows it. */
const titleKey = (title: string) => title.normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, 80);

/** The pairs a request asks about (`Same event? 1-4, 2-7` after the items), as pairs of refs. */
export function askedPairs(request: ChatRequest): [string, string][] {
  const user = request.messages.filter((message) => message.role === 'user').map((message) => message.content).join('\n');
  const line = /^Same event\? (.+)$/m.exec(user)?.[1] ?? '';
  return line
    .split(', ')
    .map((pair) => pair.split('-') as [string, string])
    .filter((pair) => pair.length === 2);
}

/** A labelled item as a gold model knows it: themes (eval sets), event (clusters), lens fields (lens-*.jsonl). */
export interface GoldEntry {
  title: string;
  themes?: string[];
  event?: string | null;
  direction?: string;
  obstacles?: string[];
  actors?: string[];
  /** The importance to answer; without it, an on-topic item gets 0.5 with its title as the fact. */
  importance?: { score: number; fact: string } | null;
}

/**
 * A perfect model for a labelled set: answers each item with its gold themes, quoting the first
 * words of its title for each, its gold lens fields (the direction quoting the same words, the
 * importance naming the title as the fact), and each pair asked with whether both items carry the
 * same gold `event` (clusters-dev.jsonl). Whatever score falls short of 1.0 against it was lost in
 * the plumbing. Lens fields are answered only when the request's schema or prompt asks for them.
 */
export function goldResponder(gold: GoldEntry[]): Responder {
  const byTitle = new Map(gold.map((entry) => [titleKey(entry.title), entry]));
  return (request) => {
    const titles = new Map<string, string>();
    const items = fencedItems(request).map((item) => {
      const title = item.text.trim().split('\n')[0] ?? '';
      titles.set(item.ref, titleKey(title));
      const quote = title.split(/\s+/).slice(0, 4).join(' ');
      const entry = byTitle.get(titleKey(title));
      const themes = (entry?.themes ?? []).map((theme) => ({ theme, quote }));
      if (!asksForLens(request)) return { id: item.ref, themes };
      const direction = entry?.direction ?? 'none';
      return {
        id: item.ref,
        themes,
        direction,
        direction_quote: direction === 'none' ? '' : quote,
        obstacles: entry?.obstacles ?? [],
        actors: entry?.actors ?? [],
        importance: entry?.importance !== undefined ? entry.importance : themes.length > 0 ? { score: 0.5, fact: title } : null,
      };
    });
    const eventOf = (ref: string) => byTitle.get(titles.get(ref) ?? '')?.event ?? null;
    const pairs = askedPairs(request).map(([a, b]) => ({ pair: `${a}-${b}`, same: eventOf(a) !== null && eventOf(a) === eventOf(b) }));
    return completion(request, JSON.stringify(pairs.length > 0 ? { items, pairs } : { items }));
  };
}
