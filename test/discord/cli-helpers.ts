import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run-cli.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

/** A temporary directory with a config file and a database path, removed by `cleanup`. */
export function workspace(digestsYaml: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-cli-'));
  const database = path.join(dir, 'sancocho.db');
  const config = path.join(dir, 'sancocho.yaml');
  writeFileSync(config, `database: ${JSON.stringify(database)}\nfeeds: []\ndigests:\n${digestsYaml}`);
  return { dir, database, config, digestsDir: path.join(dir, 'digests'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the real command line in-process with captured streams. */
export async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(args, { stdout, stderr, env: { LOG_LEVEL: 'warn', ...env } });
  return { code, stdout: out, stderr: err };
}

export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** The real `sancocho` binary as a child process, run from the TypeScript sources. */
export function spawnSancocho(args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', path.join(HERE, 'child/register-ts.mjs'), path.join(HERE, 'child/sancocho.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForOutput(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out) && !pattern.test(err)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no output matching ${pattern}; exit ${child.exitCode}\nstdout: ${out}\nstderr: ${err}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
