import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [path.join(root, 'bin/sancocho.js'), ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
  });

describe('the sancocho binary', () => {
  // `npm ci` builds dist/ through `prepare`; build again so the test sees the current sources.
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root });
  }, 120_000);

  it('lists its commands with --help', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: sancocho/);
    expect(result.stdout).toMatch(/^\s+fetch\b/m);
    expect(result.stdout).toMatch(/^\s+feeds\b/m);
  });

  it('explains a missing config file in one line and exits 2', () => {
    const result = run(['feeds'], { SANCOCHO_CONFIG: '/nonexistent/sancocho.yaml' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('/nonexistent/sancocho.yaml: configuration file not found');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown command with a usage message', () => {
    const result = run(['frobnicate']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unknown command/);
  });
});
