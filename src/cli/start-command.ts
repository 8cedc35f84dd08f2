import type { Command } from 'commander';
import { createAppContext } from '../app-context.js';
import { listenForOutbox, pollerAlerts } from '../jobs/split-role-alerts.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { previewDirectory } from '../delivery/deliver-preview.js';
import { digestJobs } from '../jobs/digest-job.js';
import { pollFeedsJob } from '../jobs/poll-feeds-job.js';
import { startScheduler } from '../jobs/scheduler.js';
import { redactCredentials } from '../core/redact-credentials.js';
import { UsageError } from '../core/errors.js';
import { databaseTarget } from '../config/database-target.js';
import { parseRole, type Role } from '../config/role.js';
import { registersCommands } from '../config/shard-plan.js';
import { chooseRole, roleDuties } from '../jobs/role-duties.js';
import { holdWriterLock } from '../store/hold-writer-lock.js';
import { cliLogger } from './cli-logger.js';
import { writeLine, type CliIO } from './cli-io.js';
import { openDigestRuntime, type DigestRuntime } from './digest-command.js';
import { STOP_GRACE_MS, stopSignal } from './stop-signal.js';
import { startHealthServer, type HealthServer } from '../ops/health-server.js';
import type { Logger } from '../core/logger.js';

export function registerStartCommand(program: Command, io: CliIO): void {
  program
    .command('start')
    .description('run Sancocho: poll feeds and send digests on their schedules until SIGINT/SIGTERM')
    .option('--role <role>', 'what this process does: all (default), poller, digester or bot (PostgreSQL only); SANCOCHO_ROLE too')
    .option('--shards <ids>', 'run only these gateway shards of `discord.shards`, e.g. 0,1 (PostgreSQL; another bot worker runs the rest); also SANCOCHO_SHARDS')
    .action(async (options: { role?: string; shards?: string }) => {
      const config = loadConfig(io.env, { shards: options.shards });
      const role = startRole(options.role, config);
      // Held from before the database is first touched until after it is closed.
      const logger = cliLogger(io, 'info');
      const writer = await holdWriterLock(config.database, 'start', logger);
      // Listen before the slow parts (Discord login), so an early Ctrl-C still shuts down cleanly.
      const signal = stopSignal();
      try {
        await runUntilStopped({ ...config, role }, io, logger, signal.received);
      } finally {
        signal.dispose();
        await writer.release();
      }
    });
}

/** The flag, else SANCOCHO_ROLE, else `all`; refused (exit 2) when unknown, or other than `all` on SQLite. */
function startRole(flag: string | undefined, config: LoadedConfig): Role {
  const parsed = flag === undefined ? undefined : parseRole(flag);
  if (parsed?.kind === 'invalid') throw new UsageError(`start: --role ${parsed.message}`);
  const chosen = chooseRole({ flag: parsed?.role, environment: config.role, engine: databaseTarget(config.database).kind });
  if (chosen.kind === 'refused') throw new UsageError(chosen.message);
  return chosen.role;
}

/**
 * What the role does (jobs/role-duties.ts): bot, webhook or preview mode from the environment (not
 * for a poller); the poll job, one job per digest schedule and the start-up catch-up. On the signal: no new tick, no new part, what is in flight finished or cut
 * short after STOP_GRACE_MS (a part cut short stays in flight, looked up at the next start), the
 * gateway closed, the database closed.
 */
async function runUntilStopped(config: LoadedConfig & { role: Role }, io: CliIO, logger: Logger, stop: Promise<NodeJS.Signals>): Promise<void> {
  const duties = roleDuties(config.role);
  const ctx = await createAppContext(config, logger);
  let health: HealthServer | null = null;
  let runtime: DigestRuntime | undefined;
  try {
    // Up before the Discord login, so /healthz answers while the gateway connects.
    health = await startHealthServer(ctx);
    // A stop before anything runs (Discord slow to let the bot in) has nothing to wait for.
    void stop.then(() => {
      if (!runtime) ctx.cancelInFlight();
    });
    // A poller never talks to Discord.
    runtime = duties.digest || duties.gateway ? await openDigestRuntime(ctx, io) : undefined;
    // Bot mode: the slash commands answer on the same gateway session; they are registered in the background.
    const interactions =
      duties.gateway && runtime?.client
        ? (await import('../discord/interaction-handler.js')).startInteractions({
            client: runtime.client,
            app: ctx,
            runner: runtime.runner,
            guildId: config.discord.guildId,
            register: registersCommands(config.discord.shards),
          })
        : undefined;
    // A poller without the delivery side still decides alerts: it writes them into the outbox and
    // nudges whoever sends it (a digester), which listens below.
    const alerts = runtime?.alerts ?? (duties.poll ? pollerAlerts(ctx) : undefined);
    const stopListening = duties.digest && runtime ? await listenForOutbox(ctx, runtime) : undefined;
    const scheduler = startScheduler(
      [...(duties.poll ? [pollFeedsJob(ctx, alerts)] : []), ...(duties.digest && runtime ? digestJobs(runtime.runner, config.digests) : [])],
      ctx.logger,
    );
    const mode = runtime?.deliverer.mode;
    ctx.logger.info(
      {
        module: 'start',
        config: config.source,
        database: redactCredentials(config.database),
        engine: ctx.engine,
        role: config.role,
        worker: ctx.worker.id,
        feeds: (await ctx.store.feeds.enabled()).length,
        digests: duties.digest ? config.digests.map((digest) => digest.name) : [],
        mode,
      },
      `start: Sancocho is running ${config.role === 'all' ? '' : `as a ${config.role} (worker ${ctx.worker.id}) `}` +
        `${mode ? `in ${mode} mode` : 'without Discord'}; Ctrl-C stops it`,
    );
    if (mode === 'preview' && duties.digest) {
      writeLine(
        io.stdout,
        `sancocho: preview mode: digests are printed here and saved to ${previewDirectory(config.database)}; ` +
          'to post them to Discord set DISCORD_TOKEN (bot, with a channelId destination) or give a digest a webhookUrl destination in the config file.',
      );
    }
    if (duties.poll) void scheduler.runNow('poll-feeds');
    const catchUp = duties.digest
      ? runtime?.runner.catchUp().catch((error: unknown) => {
          ctx.logger.error({ module: 'start', err: error }, 'start: the start-up digest catch-up failed');
        })
      : undefined;
    const received = await stop;
    ctx.logger.info({ module: 'start', signal: received }, 'start: stopping');
    // What is in flight gets a moment to finish, then is cut short, leaving its state to be redone.
    const cutShort = setTimeout(() => {
      ctx.logger.info({ module: 'start', graceMs: STOP_GRACE_MS }, 'start: cutting short what is still in flight');
      ctx.cancelInFlight();
    }, STOP_GRACE_MS);
    try {
      await Promise.all([interactions?.close(STOP_GRACE_MS), stopListening?.(), runtime?.runner.stop(), scheduler.stop(), catchUp]);
    } finally {
      clearTimeout(cutShort);
    }
    ctx.logger.info({ module: 'start' }, 'start: stopped');
  } finally {
    // Also on a failed start-up, so an open gateway never keeps the process alive after the error.
    await runtime?.close();
    await health?.close();
    await ctx.close();
  }
}

