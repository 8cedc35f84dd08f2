import { PassThrough } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAppContext } from '../src/app-context.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/core/logger.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function context(options: { lazyClassifier?: boolean }) {
  const stream = new PassThrough();
  let log = '';
  stream.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const config = loadConfig({ SANCOCHO_CONFIG: path.join(root, 'config/sancocho.yaml'), SANCOCHO_DB: ':memory:' });
  const ctx = createAppContext(config, createLogger({ level: 'info', pretty: false, destination: stream }), Date.now(), options);
  return { ctx, built: () => log.split('create-classifier: offline classifier').length - 1 };
}

describe('the app context', () => {
  it('builds the classifier at once by default, so a broken themes file stops a command at start-up', async () => {
    const { ctx, built } = context({});
    expect(built()).toBe(1);
    await ctx.close();
  });

  it('builds it on first use, once, for commands that only read the store', async () => {
    const { ctx, built } = context({ lazyClassifier: true });
    expect(built()).toBe(0);
    expect(ctx.classifier).toBe(ctx.classifier);
    expect(built()).toBe(1);
    await ctx.close();
  });
});
