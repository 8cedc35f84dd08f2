import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { readEnvironment } from '../../../src/config/environment.js';
import type { ShardPlan } from '../../../src/config/shard-plan.js';
import { createAppContext, type AppContext } from '../../../src/app-context.js';
import { openDigestRuntime, type DigestRuntime } from '../../../src/cli/digest-command.js';
import { configSchema } from '../../../src/config/config-schema.js';
import { createLogger } from '../../../src/core/logger.js';
import type { SlashCommand } from '../../../src/discord/commands/command.js';
import { startInteractions, type RunningInteractions } from '../../../src/discord/interaction-handler.js';
import { openDatabase, type Database } from '../../../src/store/open-database.js';
import { GUILD_ID, startFakeDiscord, type Answer, type CommandInvocation, type FakeChannel, type FakeDiscord } from '../../peers/fake-discord.js';
import { captureLogLines } from '../../support/capture-io.js';

/**
 * Sancocho in bot mode against the fake Discord, wired as `start` wires it: the app context, the
 * digest runtime (which logs the real discord.js client in), and the interaction handler on that
 * client with the commands registered in the test guild. Log lines are kept for assertions.
 */
export interface Harness {
  fake: FakeDiscord;
  ctx: AppContext;
  runtime: DigestRuntime;
  interactions: RunningInteractions;
  /** JSON log lines so far. */
  logs(): { msg: string; ref?: string; level: number; [key: string]: unknown }[];
  /** A second connection to the harness's SQLite file, for assertions on its rows (closed by `close`). */
  sqlite(): Database;
  /** Dispatches a command and waits for what the person sees. */
  run(name: string, invocation?: CommandInvocation): Promise<Answer>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  digests?: unknown[];
  feeds?: unknown[];
  /** Default: a file in a temporary folder, removed by `close`. */
  database?: string;
  /** Default: every command of the bot. */
  commands?: readonly SlashCommand[];
  channels?: FakeChannel[];
  searchLimit?: { limit: number; windowMs: number };
  /** Extra `polling` settings; user feeds may reach 127.0.0.2 only (the stand-in for the internet). */
  polling?: Record<string, unknown>;
  guildId?: string;
  /** A fake Discord shared with other harnesses (two bot workers): left open by `close`. Default: a new one. */
  fake?: FakeDiscord;
  /** The gateway shards this bot runs. */
  shards?: ShardPlan;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = options.fake ?? (await startFakeDiscord({ channels: options.channels ?? [] }));
  const { destination, logs } = captureLogLines();
  const scratch = options.database === undefined ? mkdtempSync(path.join(tmpdir(), 'sancocho-harness-')) : undefined;
  const database = options.database ?? path.join(scratch as string, 'harness.db');
  const config = {
    ...configSchema.parse({
      database,
      feeds: options.feeds ?? [],
      polling: { allowPrivateAddresses: ['127.0.0.2/32'], timeoutSeconds: 3, connectTimeoutSeconds: 1, ...options.polling },
      digests: options.digests ?? [],
      // Metrics are counted only with a health port (the harness starts no listener on it).
      health: { port: 0 },
    }),
    source: 'test',
    discord: { ...readEnvironment({ DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api }).discord, shards: options.shards },
  };
  const ctx = await createAppContext(config, createLogger({ level: 'info', pretty: false, destination }));
  const env = { DISCORD_TOKEN: fake.token, DISCORD_API_BASE: fake.api };
  const runtime = await openDigestRuntime(ctx, { stdout: new PassThrough(), stderr: new PassThrough(), env });
  if (!runtime.client) throw new Error('harness: expected bot mode');
  const interactions = startInteractions({
    client: runtime.client,
    app: ctx,
    runner: runtime.runner,
    guildId: options.guildId ?? GUILD_ID,
    searchLimit: options.searchLimit ?? { limit: 100, windowMs: 60_000 },
    ...(options.commands ? { commands: options.commands } : {}),
  });
  await interactions.registered;
  let connection: Database | undefined;
  return {
    fake,
    ctx,
    runtime,
    interactions,
    logs,
    sqlite: () => (connection ??= openDatabase(database)),
    run: (name, invocation) => fake.answer(fake.command(name, invocation)),
    async close() {
      await interactions.close();
      await runtime.close();
      await ctx.close();
      connection?.close();
      if (!options.fake) await fake.close();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** A fresh member id per call, so per-user limits never leak between tests. */
let userCounter = 0;
export function freshUser(): string {
  userCounter++;
  return `7000000000000${String(userCounter).padStart(5, '0')}`;
}
