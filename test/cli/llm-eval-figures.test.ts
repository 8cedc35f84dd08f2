import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { repoRoot } from '../feeds/fixtures.js';
import { fencedItems, goldResponder, startOpenAIServer, type RecordedRequest, type RefusalShape } from '../peers/openai-server.js';
import { captureIO } from '../support/capture-io.js';

/**
 * `sancocho eval --classifier llm` on the labelled dev set against a loopback server that answers
 * every item with its gold themes: whatever falls short of a perfect score is lost in the plumbing
 * (batching, refs, parsing, grounding, fallbacks). Also the cost figures of the issue: requests,
 * items per request and input tokens per item (characters / 4 of the messages and the
 * response_format), with a server that accepts structured outputs and with one that refuses them
 * in each shape seen in the wild. The figures are printed, so a run of this file reports them.
 */

const devSet = path.resolve(repoRoot, 'test/fixtures/eval/dev.jsonl');
const gold = readFileSync(devSet, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { title: string; themes: string[] });

interface Figures {
  server: string;
  macroF1: number;
  requests: number;
  /** Items sent per request, refused requests included. */
  itemsPerRequest: number;
  /** Every request's input (refused ones included) over the items of the set. */
  inputTokensPerItem: number;
  /** In the requests that carried a full batch of 20 and were answered. */
  inputTokensPerItemAt20: number;
  formats: string[];
}

describe('eval --classifier llm against a server answering from gold labels', () => {
  let dir: string;
  const figures: Figures[] = [];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-llm-eval-'));
  });
  afterAll(() => {
    console.info(`llm eval figures (dev set, ${gold.length} items, batch 20):\n${figures.map((row) => JSON.stringify(row)).join('\n')}`);
    rmSync(dir, { recursive: true, force: true });
  });

  async function evaluate(name: string, refuse?: { shape: RefusalShape; formats?: string[] }): Promise<Figures> {
    const server = await startOpenAIServer({ responder: goldResponder(gold), ...(refuse ? { refuse } : {}) });
    try {
      const config = path.join(dir, `${name}.yaml`);
      // Every item goes to the model: the regional-signal gate would measure the offline classifier.
      writeFileSync(config, `feeds: []\nllm:\n  baseURL: "${server.baseURL}"\n  model: gold\n  batchSize: 20\n  skipWithoutRegionalSignal: false\n`);
      const io = captureIO({ SANCOCHO_CONFIG: config, SANCOCHO_DB: path.join(dir, `${name}.db`) });
      expect(await runCli(['eval', '--classifier', 'llm', '--input', devSet, '--json'], io)).toBe(0);
      const report = JSON.parse(io.out()) as { macroF1: number };
      const refused = new Set(refuse ? refuse.formats ?? ['json_schema'] : []);
      const tokens = (request: RecordedRequest) =>
        Math.ceil(
          (request.body.messages.reduce((sum, message) => sum + message.content.length, 0) +
            (request.body.response_format ? JSON.stringify(request.body.response_format).length : 0)) /
            4,
        );
      const full = server.requests.filter((request) => fencedItems(request.body).length === 20 && !refused.has(request.body.response_format?.type ?? 'plain'));
      const sent = server.requests.reduce((sum, request) => sum + fencedItems(request.body).length, 0);
      const row: Figures = {
        server: name,
        macroF1: report.macroF1,
        requests: server.requests.length,
        itemsPerRequest: Math.round((sent / server.requests.length) * 10) / 10,
        inputTokensPerItem: Math.round(server.requests.reduce((sum, request) => sum + tokens(request), 0) / gold.length),
        inputTokensPerItemAt20: Math.round(full.reduce((sum, request) => sum + tokens(request), 0) / (20 * full.length)),
        formats: [...new Set(server.requests.map((request) => request.body.response_format?.type ?? 'plain'))],
      };
      figures.push(row);
      return row;
    } finally {
      await server.close();
    }
  }

  it('loses nothing with structured outputs: macro-F1 ≥ 0.99, one request per 20 items, ≤ 160 input tokens per item at 20 (lens fields included)', async () => {
    const row = await evaluate('openai');
    expect(row.macroF1).toBeGreaterThanOrEqual(0.99);
    expect(row.requests).toBe(Math.ceil(gold.length / 20));
    expect(row.inputTokensPerItemAt20).toBeLessThanOrEqual(160);
  });

  it.each<[RefusalShape]>([['openai'], ['vllm'], ['fastapi'], ['llama-cpp'], ['no-body']])(
    'loses nothing when the server refuses json_schema with a %s answer',
    async (shape) => {
      const row = await evaluate(`refuses-${shape}`, { shape });
      expect(row.macroF1).toBeGreaterThanOrEqual(0.99);
      expect(row.formats).toEqual(['json_schema', 'json_object']);
      // The refusal costs one request (two for a 5xx, which must repeat), once: the mode is then remembered.
      expect(row.requests).toBe(Math.ceil(gold.length / 20) + (shape === 'llama-cpp' ? 2 : 1));
    },
  );

  it('loses nothing when the server refuses json_object too, with plain JSON in the prompt', async () => {
    const row = await evaluate('refuses-both', { shape: 'vllm', formats: ['json_schema', 'json_object'] });
    expect(row.macroF1).toBeGreaterThanOrEqual(0.99);
    expect(row.formats).toEqual(['json_schema', 'json_object', 'plain']);
  });
});

describe('eval --classifier llm against a server whose answer body stalls', () => {
  it('finishes within timeoutSeconds per attempt with offline labels, and exits 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-llm-stall-'));
    const server = await startOpenAIServer({ responder: () => ({ stallBodyMs: 60_000, body: {} }) });
    try {
      const config = path.join(dir, 'stall.yaml');
      writeFileSync(config, `feeds: []\nllm:\n  baseURL: "${server.baseURL}"\n  model: m\n  timeoutSeconds: 0.5\n  maxRetries: 0\n`);
      const io = captureIO({ SANCOCHO_CONFIG: config, SANCOCHO_DB: path.join(dir, 'stall.db') });
      const started = Date.now();
      expect(await runCli(['eval', '--classifier', 'llm', '--input', devSet, '--json'], io)).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      // One stalled request, then the LLM is paused and the rest is labelled offline.
      expect(server.requests).toHaveLength(1);
      expect((JSON.parse(io.out()) as { macroF1: number }).macroF1).toBeGreaterThan(0.5);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

