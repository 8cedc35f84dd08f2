import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server received in one chat completion request. */
export interface ReceivedPrompt {
  /** Characters of every message's content, as sent. */
  systemChars: number;
  userChars: number;
  /** Characters of the `response_format` JSON (structured outputs send the schema along). */
  responseFormatChars: number;
}

export interface TokenCountingServer {
  /** Give this to the OpenAI client as `baseURL`. */
  readonly baseURL: string;
  readonly received: ReceivedPrompt[];
  close(): Promise<void>;
}

/** Tokens estimated as characters / 4, rounded up: the usual rule of thumb for these languages' BPE. */
export const estimateTokens = (chars: number): number => Math.ceil(chars / 4);

/**
 * A minimal OpenAI-compatible chat endpoint on 127.0.0.1 for the LLM cost benchmark. It records the
 * size of every prompt it receives and answers a valid, empty labelling (every item off-topic), so
 * the classifier takes the first response format and sends each batch exactly once.
 */
export async function startTokenCountingServer(): Promise<TokenCountingServer> {
  const received: ReceivedPrompt[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        model: string;
        messages: { role: string; content: string }[];
        response_format?: unknown;
      };
      const chars = (role: string) => body.messages.filter((message) => message.role === role).reduce((total, message) => total + message.content.length, 0);
      const prompt = {
        systemChars: chars('system'),
        userChars: chars('user'),
        responseFormatChars: body.response_format === undefined ? 0 : JSON.stringify(body.response_format).length,
      };
      received.push(prompt);
      const refs = [...(body.messages.at(-1)?.content ?? '').matchAll(/<item_[0-9a-f]+ ref="([^"]+)"/g)].map((match) => match[1]);
      const content = JSON.stringify({ items: refs.map((id) => ({ id, themes: [] })) });
      const promptTokens = estimateTokens(prompt.systemChars + prompt.userChars);
      const completionTokens = estimateTokens(content.length);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-bench',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
