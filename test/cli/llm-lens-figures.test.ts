import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { repoRoot } from '../feeds/fixtures.js';
import { completion, fencedItems, goldResponder, startOpenAIServer, type ChatRequest, type GoldEntry, type RecordedRequest, type Responder } from '../peers/openai-server.js';
import { captureIO } from '../support/capture-io.js';

/**
 * `sancocho eval --lens --classifier llm` on the lens-labelled sets against a loopback server that
 * answers every item with its gold themes (dev sets) and gold lens fields, in the same batched call
 * as the themes: whatever falls short of a perfect score is lost in the plumbing (schema, parsing,
 * grounding, the offline fallback). Also what the lens fields cost: input tokens per item at a
 * batch of 20 (prompt and schema) and output tokens per item (characters / 4, as the README quotes).
 */

const fixture = (name: string) => path.resolve(repoRoot, 'test/fixtures/eval', name);
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as GoldEntry & { id: string; from: string });
const lensFiles = [fixture('lens-dev.jsonl'), fixture('lens-heldout.jsonl')];
const themesByTitle = new Map([...lines(fixture('dev.jsonl')), ...lines(fixture('dev2.jsonl'))].map((entry) => [entry.title, entry.themes ?? []]));
// Items from feed snapshots have no gold themes: the lens labelled them on-topic, so the model gives them regional-integration.
const gold: GoldEntry[] = lensFiles.flatMap(lines).map((entry) => ({ ...entry, themes: themesByTitle.get(entry.title) ?? ['regional-integration'] }));

const tokens = (chars: number) => Math.ceil(chars / 4);
const inputChars = (request: RecordedRequest) =>
  request.body.messages.reduce((sum, message) => sum + message.content.length, 0) + (request.body.response_format ? JSON.stringify(request.body.response_format).length : 0);
/** The answer's characters per item with and without the lens fields, for the same request. */
function outputChars(responder: Responder, request: ChatRequest): { withLens: number; without: number; items: number } {
  const answer = responder(request) as ReturnType<typeof completion>;
  const content = (answer.body as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
  const parsed = JSON.parse(content) as { items: { id: string; themes: unknown }[] };
  const bare = JSON.stringify({ items: parsed.items.map(({ id, themes }) => ({ id, themes })) });
  return { withLens: content.length, without: bare.length, items: parsed.items.length };
}

describe('eval --lens --classifier llm against a server answering from gold labels', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-llm-lens-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function evaluate(name: string, responder: Responder, refuse = false) {
    const server = await startOpenAIServer({ responder, ...(refuse ? { refuse: { shape: 'openai' as const } } : {}) });
    try {
      const config = path.join(dir, `${name}.yaml`);
      writeFileSync(config, `feeds: []\nllm:\n  baseURL: "${server.baseURL}"\n  model: gold\n  batchSize: 20\n  skipWithoutRegionalSignal: false\n`);
      const io = captureIO({ SANCOCHO_CONFIG: config, SANCOCHO_DB: path.join(dir, `${name}.db`) });
      expect(await runCli(['eval', '--lens', ...lensFiles, '--classifier', 'llm', '--json'], io)).toBe(0);
      const report = JSON.parse(io.out()) as {
        items: number;
        direction: { macroF1: number; perClass: Record<string, { precision: number; recall: number }> };
        obstacles: { f1: number };
        actors: { f1: number };
        sources: { llm: number; offline: number };
      };
      const answered = server.requests.filter((request) => request.body.response_format?.type !== 'json_schema' || !refuse);
      const full = answered.filter((request) => fencedItems(request.body).length === 20);
      const output = answered.map((request) => outputChars(responder, request.body)).reduce(
        (sum, one) => ({ withLens: sum.withLens + one.withLens, without: sum.without + one.without, items: sum.items + one.items }),
        { withLens: 0, without: 0, items: 0 },
      );
      return {
        report,
        requests: server.requests.length,
        inputTokensPerItemAt20: Math.round(full.reduce((sum, request) => sum + tokens(inputChars(request)), 0) / (20 * full.length)),
        lensOutputTokensPerItem: Math.round((tokens(output.withLens) - tokens(output.without)) / output.items),
        outputTokensPerItem: Math.round(tokens(output.withLens) / output.items),
      };
    } finally {
      await server.close();
    }
  }

  it('reads every labelled item from the same batched call, direction macro-F1 1.000, and prints what the lens fields cost', async () => {
    const run = await evaluate('gold', goldResponder(gold));
    console.info(`llm lens figures (${gold.length} items, batch 20): ${JSON.stringify({ ...run, report: { ...run.report, direction: run.report.direction.macroF1 } })}`);
    expect(run.report.items).toBe(gold.length);
    // One request per 20 items: the lens rides in the classification call.
    expect(run.requests).toBe(Math.ceil(gold.length / 20));
    expect(run.report.direction.macroF1).toBe(1);
    expect(run.report.obstacles.f1).toBe(1);
    expect(run.report.actors.f1).toBe(1);
    expect(run.report.sources.offline).toBe(0);
    expect(run.lensOutputTokensPerItem).toBeLessThanOrEqual(60);
  });

  it('reads the same when the server refuses json_schema (the fields asked in the prompt)', async () => {
    const run = await evaluate('refuses', goldResponder(gold), true);
    expect(run.report.direction.macroF1).toBe(1);
    expect(run.requests).toBe(Math.ceil(gold.length / 20) + 1);
  });

  it('falls back to the offline reading for a direction quoted with words not in the item, and scores as the offline lens there', async () => {
    const gold_ = goldResponder(gold);
    const misquoting: Responder = (request) => {
      const answer = gold_(request) as ReturnType<typeof completion>;
      const content = (answer.body as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
      const parsed = JSON.parse(content) as { items: { direction_quote: string }[] };
      for (const item of parsed.items) item.direction_quote = item.direction_quote && 'words found nowhere in it';
      return completion(request, JSON.stringify(parsed));
    };
    const run = await evaluate('misquoting', misquoting);
    const offline = JSON.parse(await (async () => {
      const io = captureIO({ SANCOCHO_CONFIG: path.join(dir, 'misquoting.yaml'), SANCOCHO_DB: path.join(dir, 'offline.db') });
      expect(await runCli(['eval', '--lens', ...lensFiles, '--json'], io)).toBe(0);
      return io.out();
    })()) as { direction: { macroF1: number } };
    const moving = gold.filter((entry) => entry.direction !== 'none').length;
    expect(run.report.sources.offline).toBeGreaterThanOrEqual(moving);
    // The fallback reads with the model's themes rather than the offline classifier's: close to the offline figure.
    expect(Math.abs(run.report.direction.macroF1 - offline.direction.macroF1)).toBeLessThan(0.1);
  });
});
