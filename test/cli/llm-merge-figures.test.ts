import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { repoRoot } from '../feeds/fixtures.js';
import { askedPairs, fencedItems, goldResponder, startOpenAIServer, type RecordedRequest } from '../peers/openai-server.js';
import { captureIO } from '../support/capture-io.js';

/**
 * `sancocho eval --clusters --classifier llm` on the labelled clustering set against a loopback
 * server that settles each pair it is asked from the items' gold `event` labels: what the LLM's
 * verdicts on uncertain pairs can add to clustering, and what they cost. A real model answers
 * less well than the labels; the same command measures it (README, Themes and classification).
 */

const clustersDev = path.resolve(repoRoot, 'test/fixtures/eval/clusters-dev.jsonl');
const gold = readFileSync(clustersDev, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { title: string; event: string | null });

interface ClusterJson {
  items: number;
  pairs: { precision: number; recall: number; f1: number };
  llmPairs?: { pairs: number; same: number };
}

describe('eval --clusters --classifier llm against a server answering from the event labels', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-llm-merge-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function evalClusters(classifier: 'offline' | 'llm', baseURL = 'http://127.0.0.1:9/v1'): Promise<ClusterJson> {
    const config = path.join(dir, `${classifier}.yaml`);
    // Every item goes to the model: the regional-signal gate would leave some pairs unasked.
    writeFileSync(config, `feeds: []\nllm:\n  baseURL: "${baseURL}"\n  model: gold\n  batchSize: 20\n  skipWithoutRegionalSignal: false\n`);
    const io = captureIO({ SANCOCHO_CONFIG: config, SANCOCHO_DB: path.join(dir, `${classifier}.db`) });
    expect(await runCli(['eval', '--clusters', clustersDev, '--classifier', classifier, '--json'], io)).toBe(0);
    return JSON.parse(io.out()) as ClusterJson;
  }

  it('raises pairwise recall with precision kept, in the classification requests themselves, for a few tokens per item', async () => {
    const server = await startOpenAIServer({ responder: goldResponder(gold) });
    try {
      const without = await evalClusters('offline');
      const withLlm = await evalClusters('llm', server.baseURL);
      const requests = server.requests;
      const asked = requests.reduce((sum, request) => sum + askedPairs(request.body).length, 0);
      const pairTokens = requests.reduce((sum, request) => sum + pairCost(request), 0);
      const figures = {
        without: without.pairs,
        withLlm: withLlm.pairs,
        llmPairs: withLlm.llmPairs,
        requests: requests.length,
        pairTokensPerItem: Math.round((pairTokens / gold.length) * 10) / 10,
      };
      console.info(`llm merge figures (clusters-dev, ${gold.length} items, batch 20): ${JSON.stringify(figures)}`);

      expect(requests).toHaveLength(Math.ceil(gold.length / 20));
      expect(requests.every((request) => fencedItems(request.body).length > 0)).toBe(true);
      expect(asked).toBeGreaterThan(0);
      expect(withLlm.llmPairs?.pairs).toBe(asked);
      expect(withLlm.pairs.recall).toBeGreaterThan(without.pairs.recall);
      expect(withLlm.pairs.recall).toBeGreaterThanOrEqual(0.9);
      expect(withLlm.pairs.precision).toBeGreaterThanOrEqual(without.pairs.precision);
      expect(figures.pairTokensPerItem).toBeLessThanOrEqual(12);
    } finally {
      await server.close();
    }
  });
});

/** Tokens (characters / 4) a request spends on pairs: the question line, the schema's pairs part, and the verdicts in the answer. */
function pairCost(request: RecordedRequest): number {
  const pairs = askedPairs(request.body);
  if (pairs.length === 0) return 0;
  // Whatever follows the last fenced item: prompts/same-event.md with the pairs filled in.
  const user = request.body.messages.find((message) => message.role === 'user')?.content ?? '';
  const question = user.length - (user.lastIndexOf('</item_') + user.slice(user.lastIndexOf('</item_')).indexOf('>') + 1);
  const schema = JSON.stringify(request.body.response_format ?? {});
  const schemaWithout = schema.replace(/"pairs":\{.*?"same":\{"type":"boolean"\}\}\}\},?/, '').replace(',"pairs"]', ']');
  const answer = pairs.map(([a, b]) => JSON.stringify({ pair: `${a}-${b}`, same: false })).join(',').length + ',"pairs":[]'.length;
  return Math.ceil((question + schema.length - schemaWithout.length + answer) / 4);
}
