import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnvironment } from '../config/environment.js';
import { median, significant } from './stats.js';

/** A command started from nothing, as a user types it: medians over `runs` processes. */
export interface StartupRow {
  /** As typed: `sancocho --help`, `sancocho feeds`; `node -e 0` is the floor any command pays. */
  command: string;
  wallMs: number;
  /** The child's user + system CPU: what a busy neighbour stretches less than wall time. */
  cpuMs: number;
  /** The child's own high-water mark (getrusage's maxrss, read as it exits). */
  peakRssMB: number;
}

export interface StartupFigure {
  runs: number;
  rows: StartupRow[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/sancocho.js');
// Loaded into each child before its command: reports the child's own resource usage on fd 3 as it exits.
// The peak is the kernel's VmHWM where there is one: getrusage's maxrss survives exec on Linux, so it
// can be the forking parent's size rather than the command's.
const REPORT_USAGE =
  "data:text/javascript,import{writeSync,readFileSync}from'node:fs';process.on('exit',()=>{const u=process.resourceUsage();let r=u.maxRSS;" +
  "try{const m=/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status','utf8'));if(m)r=Number(m[1])}catch{}" +
  'writeSync(3,JSON.stringify([r,u.userCPUTime+u.systemCPUTime]))})';

/**
 * Start-up of the commands people run by hand: `sancocho --help` and `sancocho feeds` (the sample
 * configuration, a SQLite store in a temporary folder), beside `node -e 0`. Each is run once
 * unmeasured (the store created, the files in the OS cache), then `runs` times.
 */
export async function startupBench(options: { runs: number; parentEnv: NodeJS.ProcessEnv }): Promise<StartupFigure> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-bench-startup-'));
  const env = childEnvironment(options.parentEnv, { configFile: path.join(ROOT, 'config/sancocho.yaml'), logLevel: 'silent', database: path.join(dir, 'sancocho.db') });
  const commands = [
    { command: 'node -e 0', args: ['-e', '0'] },
    { command: 'sancocho --help', args: [BIN, '--help'] },
    { command: 'sancocho feeds', args: [BIN, 'feeds'] },
  ];
  try {
    const rows: StartupRow[] = [];
    for (const { command, args } of commands) {
      await runOnce(args, env);
      const runs: Usage[] = [];
      for (let run = 0; run < options.runs; run++) runs.push(await runOnce(args, env));
      rows.push({
        command,
        wallMs: Math.round(median(runs.map((usage) => usage.wallMs))),
        cpuMs: Math.round(median(runs.map((usage) => usage.cpuMs))),
        peakRssMB: significant(median(runs.map((usage) => usage.peakRssMB)), 3),
      });
    }
    return { runs: options.runs, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Usage {
  wallMs: number;
  cpuMs: number;
  peakRssMB: number;
}

function runOnce(args: string[], env: NodeJS.ProcessEnv): Promise<Usage> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', REPORT_USAGE, ...args], { env, cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let usage = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdio[3]?.on('data', (chunk: Buffer) => (usage += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`startup-bench: ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
      const [maxRssKB, cpuMicros] = JSON.parse(usage) as [number, number];
      resolve({ wallMs, cpuMs: cpuMicros / 1000, peakRssMB: maxRssKB / 1024 });
    });
  });
}
