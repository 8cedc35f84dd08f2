import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    globalSetup: ['test/support/postgres-global-setup.ts'],
    // Worker threads (the feed parser's) load their entry with Node, not vitest: let them load TypeScript.
    execArgv: ['--import', fileURLToPath(new URL('./test/support/register-worker-ts-hooks.mjs', import.meta.url))],
  },
});
