import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('runs as an executable through its shebang, which gives node its memory flags', () => {
    expect(readFileSync(path.join(root, 'bin/sancocho.js'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env -S node --max-semi-space-size=1 --heap-growing-percent=20');
    const result = spawnSync(path.join(root, 'bin/sancocho.js'), ['--help'], { cwd: root, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Usage: sancocho/);
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

  describe('loads only what the command needs', () => {
    // What a read-only listing must not pay for: the Discord client, the LLM SDK (its error classes
    // alone are light), the feed parsers; the help not even the metrics registry or the HTTP client.
    const HEAVY = ['discord.js', 'rss-parser', 'htmlparser2', 'fast-xml-parser'];
    const OPENAI_SDK = /\/node_modules\/openai\/(index|client)\.m?js/;
    const ownDist = `${path.join(root, 'dist')}/`;
    const loadedBy = (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-loaded-'));
      try {
        const log = path.join(dir, 'loaded.txt');
        const result = spawnSync(process.execPath, ['--import', path.join(root, 'test/support/record-loaded-modules.mjs'), path.join(root, 'bin/sancocho.js'), ...args], {
          cwd: root,
          env: { ...process.env, LOG_LEVEL: 'silent', LOADED_MODULES_LOG: log, SANCOCHO_DB: path.join(dir, 'sancocho.db'), ...env },
          encoding: 'utf8',
        });
        expect(result.status, result.stderr).toBe(0);
        const loaded = readFileSync(log, 'utf8');
        return {
          packages: new Set([...loaded.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((match) => match[1])),
          sdk: OPENAI_SDK.test(loaded),
          // Our own compiled folders only: the first path segment under this repository's dist/.
          own: new Set(
            loaded
              .split('\n')
              .filter((line) => line.includes(ownDist))
              .map((line) => line.slice(line.indexOf(ownDist) + ownDist.length).split('/')[0] as string)
              .filter((segment) => !segment.endsWith('.js')),
          ),
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it('--help: commander and the command list, nothing heavy', () => {
      const { packages, sdk, own } = loadedBy(['--help']);
      expect([...packages]).toEqual(['commander']);
      expect(sdk).toBe(false);
      // Not config/: the environment's schema (zod, 14 MB) and the logger (pino) are read by the commands that run.
      expect([...own].sort()).toEqual(['cli', 'core']);
    });

    it('feeds: the store alone, no Discord, LLM, metrics, HTTP client, feed parser or classifier', () => {
      const { packages, sdk, own } = loadedBy(['feeds'], { SANCOCHO_CONFIG: path.join(root, 'config/sancocho.yaml') });
      expect(packages).toContain('better-sqlite3');
      // The PostgreSQL driver only for a postgres:// database.
      for (const name of [...HEAVY, 'openai', 'prom-client', 'undici', 'pg']) expect(packages).not.toContain(name);
      expect(sdk).toBe(false);
      expect(own).not.toContain('classify');
      expect(own).not.toContain('bench');
      expect(own).not.toContain('demo');
    });

    it('fetch --once: the metrics registry (prom-client) only with a health port, since nothing else can read it', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-no-feeds-'));
      try {
        const config = path.join(dir, 'sancocho.yaml');
        writeFileSync(config, 'feeds: []\n');
        expect(loadedBy(['fetch', '--once'], { SANCOCHO_CONFIG: config }).packages).not.toContain('prom-client');
        expect(loadedBy(['fetch', '--once'], { SANCOCHO_CONFIG: config, SANCOCHO_HEALTH_PORT: '0' }).packages).toContain('prom-client');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
