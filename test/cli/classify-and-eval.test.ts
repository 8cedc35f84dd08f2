import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { THEME_IDS } from '../../src/core/themes.js';
import { repoRoot } from '../feeds/fixtures.js';
import { keywordResponder, startOpenAIServer, type FakeOpenAIServer } from '../peers/openai-server.js';
import { captureIO } from '../support/capture-io.js';

const devSet = path.resolve(repoRoot, 'test/fixtures/eval/dev.jsonl');
const clustersDev = path.resolve(repoRoot, 'test/fixtures/eval/clusters-dev.jsonl');

describe('sancocho classify and sancocho eval', () => {
  let dir: string;
  let llm: FakeOpenAIServer;
  let offlineEnv: NodeJS.ProcessEnv;
  let llmEnv: NodeJS.ProcessEnv;
  const file = (name: string, lines: unknown[]) => {
    const target = path.join(dir, name);
    writeFileSync(target, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n'));
    return target;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-classify-'));
    llm = await startOpenAIServer();
    llm.setDefault(keywordResponder());
    writeFileSync(path.join(dir, 'offline.yaml'), 'feeds: []\n');
    writeFileSync(path.join(dir, 'llm.yaml'), `feeds: []\nllm:\n  baseURL: "${llm.baseURL}"\n  model: test-model\n  maxRetries: 0\n`);
    offlineEnv = { SANCOCHO_CONFIG: path.join(dir, 'offline.yaml'), SANCOCHO_DB: path.join(dir, 'offline.db') };
    llmEnv = { SANCOCHO_CONFIG: path.join(dir, 'llm.yaml'), SANCOCHO_DB: path.join(dir, 'llm.db') };
  });
  afterAll(async () => {
    await llm.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const items = [
    { id: 'a', title: 'Mercosur y la Unión Europea firman el acuerdo comercial', summary: 'Los aranceles bajarán.', lang: 'es' },
    { id: 'b', title: 'O Flamengo vence o clássico no Maracanã', summary: '' },
  ];

  it('classify writes one line per item with themes and a score for every theme', async () => {
    const io = captureIO(offlineEnv);
    expect(await runCli(['classify', '--input', file('items.jsonl', items)], io)).toBe(0);
    const lines = io.out().trim().split('\n').map((line) => JSON.parse(line) as { id: string; themes: string[]; scores: Record<string, number> });
    expect(lines.map((line) => line.id)).toEqual(['a', 'b']);
    expect(lines[0]?.themes).toContain('trade-tariffs');
    expect(lines[1]?.themes).toEqual([]);
    expect(Object.keys(lines[0]?.scores ?? {}).sort()).toEqual([...THEME_IDS].sort());
  });

  it('classify --evidence says which terms fired', async () => {
    const io = captureIO(offlineEnv);
    await runCli(['classify', '--evidence', '--input', file('items.jsonl', items)], io);
    const first = JSON.parse(io.out().split('\n')[0] as string) as { evidence: Record<string, string[]> };
    expect(first.evidence['trade-tariffs']?.join(' ')).toMatch(/arancel|acuerdo comercial/i);
  });

  it('eval --json scores the offline classifier on the dev set above the target', async () => {
    const io = captureIO(offlineEnv);
    expect(await runCli(['eval', '--input', devSet, '--json'], io)).toBe(0);
    const report = JSON.parse(io.out()) as {
      macroF1: number;
      microF1: number;
      perTheme: Record<string, { precision: number; recall: number; f1: number; support: number }>;
      itemsPerSecond: number;
    };
    expect(report.macroF1).toBeGreaterThanOrEqual(0.8);
    expect(report.microF1).toBeGreaterThan(0.7);
    expect(Object.keys(report.perTheme).sort()).toEqual([...THEME_IDS].sort());
    expect(report.perTheme['china-latam']).toEqual({ precision: expect.any(Number), recall: expect.any(Number), f1: expect.any(Number), support: 7 });
    expect(report.itemsPerSecond).toBeGreaterThan(1000);
  });

  it('eval prints a table with per-theme figures, micro-F1, macro-F1 and items/s', async () => {
    const io = captureIO(offlineEnv);
    await runCli(['eval', '--input', devSet], io);
    expect(io.out()).toMatch(/theme\s+precision\s+recall\s+f1\s+support/);
    expect(io.out()).toMatch(/^macro-F1: 0\.\d{3}$/m);
    expect(io.out()).toMatch(/^micro-F1: 0\.\d{3}$/m);
    expect(io.out()).toMatch(/^items\/s: \d+$/m);
  });

  it('eval lists the ten worst false positives and false negatives with their evidence', async () => {
    const io = captureIO(offlineEnv);
    await runCli(['eval', '--input', devSet], io);
    const out = io.out();
    const section = (heading: RegExp) => out.slice(out.search(heading)).split('\n\n')[0]!.split('\n').slice(1);
    const positives = section(/^worst false positives/m);
    const negatives = section(/^worst false negatives/m);
    expect(positives.filter((line) => /^ {2}\S/.test(line)).length).toBeGreaterThan(0);
    expect(positives.filter((line) => /^ {2}\S/.test(line)).length).toBeLessThanOrEqual(10);
    expect(negatives.filter((line) => /^ {2}\S/.test(line)).length).toBeLessThanOrEqual(10);
    // Each mistake: theme, score, item id and title, then what fired.
    expect(positives[0]).toMatch(/^ {2}[a-z-]+ [01]\.\d{3} {2}\S+ {2}.+/);
    expect(positives[1]).toMatch(/^ {6}evidence: .+\(/);
  });

  it('eval --clusters --json prints pairwise and B-cubed figures for the whole file as one window', async () => {
    const io = captureIO(offlineEnv);
    expect(await runCli(['eval', '--clusters', clustersDev, '--json'], io)).toBe(0);
    const report = JSON.parse(io.out()) as Record<string, unknown>;
    const figures = { precision: expect.any(Number), recall: expect.any(Number), f1: expect.any(Number) };
    expect(report).toEqual({ items: 49, events: 10, pairs: figures, bcubed: figures });
    expect(Object.keys(report)).toEqual(['items', 'events', 'pairs', 'bcubed']);
  });

  it('eval --clusters prints the figures and the worst false merges and splits', async () => {
    const io = captureIO(offlineEnv);
    expect(await runCli(['eval', '--clusters', clustersDev], io)).toBe(0);
    expect(io.out()).toMatch(/^pairs +precision 0?\.?\d.* recall .* f1 /m);
    expect(io.out()).toMatch(/^b-cubed +precision /m);
    expect(io.out()).toMatch(/^worst false merges \(different events in one story\): \d+$/m);
    expect(io.out()).toMatch(/^worst false splits \(one event in several stories\): \d+$/m);
  });

  it('eval --folds K cross-validates the thresholds over several labelled files', async () => {
    const io = captureIO(offlineEnv);
    const dev2 = path.resolve(repoRoot, 'test/fixtures/eval/dev2.jsonl');
    expect(await runCli(['eval', '--input', devSet, dev2, '--folds', '4', '--json'], io)).toBe(0);
    const report = JSON.parse(io.out()) as { folds: number; perFold: { items: number }[]; heldOutMacroF1: number; configuredMacroF1: number };
    expect(report.folds).toBe(4);
    expect(report.perFold.reduce((sum, fold) => sum + fold.items, 0)).toBe(243);
    expect(report.heldOutMacroF1).toBeGreaterThan(0.5);
    expect(report.configuredMacroF1).toBeGreaterThan(0.75);
  });

  it('eval --folds refuses a number of folds under 2', async () => {
    const io = captureIO(offlineEnv);
    expect(await runCli(['eval', '--input', devSet, '--folds', '1'], io)).toBe(2);
    expect(io.err()).toMatch(/--folds must be a whole number of at least 2/);
  });

  it('eval needs exactly one of --input, --clusters and --lens', async () => {
    const io = captureIO(offlineEnv);
    expect(await runCli(['eval'], io)).toBe(2);
    expect(io.err()).toMatch(/exactly one of --input .*, --clusters .* and --lens/);
  });

  it('classify --classifier llm asks the configured OpenAI-compatible server, once per batch', async () => {
    const io = captureIO(llmEnv);
    const before = llm.requests.length;
    expect(await runCli(['classify', '--classifier', 'llm', '--input', file('llm-items.jsonl', items)], io)).toBe(0);
    const lines = io.out().trim().split('\n').map((line) => JSON.parse(line) as { id: string; themes: string[] });
    expect(lines[0]?.themes).toContain('trade-tariffs');
    // The football item has no regional signal and is never sent.
    expect(llm.requests.length - before).toBe(1);
    expect(llm.requests.at(-1)?.body.model).toBe('test-model');
  });

  it.each([
    ['a line that is not JSON', ['{"id":"a","title":"x","themes":[]}', '{oops'], /:2: not valid JSON/],
    ['a line without a title', [{ id: 'a' }], /:1: title:/],
    ['an unknown theme id in a labelled file', [{ id: 'a', title: 'x', themes: ['weather'] }], /:1: themes\.0:/],
  ])('refuses %s with the file and line number', async (_case, lines, message) => {
    const io = captureIO(offlineEnv);
    expect(await runCli(['eval', '--input', file(`bad-${Math.random()}.jsonl`, lines)], io)).toBe(2);
    expect(io.err()).toMatch(message);
  });

  it('explains that --classifier llm needs an llm section', async () => {
    const io = captureIO(offlineEnv);
    expect(await runCli(['classify', '--classifier', 'llm', '--input', file('items.jsonl', items)], io)).toBe(2);
    expect(io.err()).toMatch(/needs an `llm` section/);
  });
});
