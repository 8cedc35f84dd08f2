import { CommanderError, type Command } from 'commander';
import type { Client } from 'discord.js';
import { createAppContext, type AppContext } from '../app-context.js';
import { digestScheduleSchema, type DigestScheduleConfig } from '../config/config-schema.js';
import { databaseTarget } from '../config/database-target.js';
import { loadConfig } from '../config/load-config.js';
import { SOLE_WORKER } from '../core/worker-id.js';
import { UsageError } from '../core/errors.js';
import { overviewWriterFor } from '../digest/digest-overview.js';
import { digestStoryCount } from '../digest/digest-types.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { renderDiscordDigest } from '../digest/render-discord.js';
import { renderMarkdown } from '../digest/render-markdown.js';
import { createDeliverer } from '../discord/create-deliverer.js';
import { previewDirectory } from '../delivery/deliver-preview.js';
import type { Deliverer } from '../delivery/deliverer.js';
import { PREVIEW, configuredDestination, describeDestination, type Destination } from '../config/destination.js';
import type { DiscordSettings } from '../config/environment.js';
import { createAlertRunner, type AlertRunner } from '../delivery/alert-runner.js';
import { createDigestRunner, type DigestReport, type DigestRunner } from '../delivery/digest-runner.js';
import type { ScheduledBriefingDeps } from '../delivery/scheduled-briefing.js';
import { buildScheduledDigest } from '../delivery/scheduled-digest.js';
import { cliLogger } from './cli-logger.js';
import { writeLine, type CliIO } from './cli-io.js';

interface DigestOptions {
  once?: boolean;
  dryRun?: boolean;
  schedule?: string;
  since?: string;
  json?: boolean;
}

export function registerDigestCommand(program: Command, io: CliIO): void {
  program
    .command('digest')
    .description('build one digest now and send it (or preview it); the schedules themselves run with `sancocho start`')
    .option('--once', 'build and send one digest now, then exit')
    .option('--dry-run', 'print the digest as Markdown; nothing is queued or sent')
    .option('--schedule <name>', 'the digest schedule to use (default: the first in the config)')
    .option('--since <duration>', "window ending now, e.g. 24h or 7d (default: the schedule's window)")
    .option('--json', 'print JSON: with --dry-run the Discord messages too, else the delivery report')
    .action(async (options: DigestOptions) => {
      if (!options.once) throw new UsageError('digest: add --once to build one digest now (the schedules run with `sancocho start`)');
      const config = loadConfig(io.env);
      const schedule = pickSchedule(config.digests, options.schedule);
      let windowMs: number | undefined;
      if (options.since !== undefined) {
        const parsed = parseDuration(options.since);
        if (!parsed.ok) throw new UsageError(`digest: --since ${parsed.message}`);
        windowMs = parsed.ms;
      }
      const ctx = await createAppContext(config, cliLogger(io, 'warn'));
      try {
        if (options.dryRun) {
          await dryRun(ctx, io, schedule, windowMs, options.json === true);
          return;
        }
        const runtime = await openDigestRuntime(ctx, io);
        try {
          const digestReport = await runtime.runner.run(schedule, { trigger: 'manual', windowMs });
          const waiting = (await runtime.runner.pendingDigests()).filter((id) => id !== digestReport.digestId).length;
          writeLine(io.stdout, options.json ? JSON.stringify({ digest: digestReport, mode: runtime.deliverer.mode }) : describeReport(digestReport, schedule, windowMs));
          if (waiting > 0 && !options.json) {
            writeLine(io.stdout, `${count(waiting, 'earlier digest', 'earlier digests')} still ${waiting === 1 ? 'has' : 'have'} unsent parts; \`sancocho start\` sends them.`);
          }
          if (digestReport.status === 'failed' || digestReport.status === 'pending') {
            throw new CommanderError(1, 'sancocho.digest-not-sent', digestReport.error ?? 'digest not fully sent');
          }
        } finally {
          await runtime.close();
        }
      } finally {
        await ctx.close();
      }
    });
}

export function pickSchedule(schedules: DigestScheduleConfig[], name: string | undefined): DigestScheduleConfig {
  if (name !== undefined) {
    const found = schedules.find((schedule) => schedule.name === name);
    if (!found) {
      const known = schedules.map((schedule) => schedule.name).join(', ') || 'none configured';
      throw new UsageError(`digest: no digest schedule named "${name}" (known: ${known})`);
    }
    return found;
  }
  // With no schedule in the file, a sensible ad-hoc one: every theme, the last 24 hours, previewed.
  return schedules[0] ?? digestScheduleSchema.parse({ name: 'digest', cron: '0 8 * * *' });
}

/** What `digest --once` would post now, to the destination it would post to; nothing is queued, sent or recorded. */
async function dryRun(ctx: AppContext, io: CliIO, schedule: DigestScheduleConfig, windowMs: number | undefined, json: boolean) {
  const to = Date.now();
  const overview = overviewWriterFor(ctx.llm, ctx.store.outbox, ctx.logger);
  const destination = dryRunDestination(schedule, ctx.config.discord);
  if (schedule.kind === 'briefing') return dryRunBriefing({ ...ctx, overview }, io, schedule, { from: to - (windowMs ?? schedule.window), to }, destination, json);
  const digest = await buildScheduledDigest({ ...ctx, overview }, schedule, { from: to - (windowMs ?? schedule.window), to }, { destination: destination.key });
  const stories = digestStoryCount(digest);
  const alreadyReceived = digest.alreadyReceived ?? 0;
  if (json) {
    const markdown = renderMarkdown(digest);
    const messages = renderDiscordDigest(digest).map((part) => part.body);
    const target = describeDestination(destination);
    writeLine(io.stdout, JSON.stringify({ schedule: schedule.name, destination: target, from: digest.from, to: digest.to, stories, alreadyReceived, markdown, messages }));
  } else if (stories === 0 && alreadyReceived > 0) {
    const window = formatDuration(windowMs ?? schedule.window);
    writeLine(
      io.stdout,
      `digest ${schedule.name} (${window}): nothing new for ${describeDestination(destination)}: ${count(alreadyReceived, 'story', 'stories')} in the window went there before; nothing would be sent`,
    );
  } else {
    writeLine(io.stdout, renderMarkdown(digest).trimEnd());
    if (alreadyReceived > 0) {
      writeLine(io.stdout, `\n(${count(alreadyReceived, 'story', 'stories')} of the window left out: sent to ${describeDestination(destination)} before)`);
    }
  }
}

/** Where a real run would post: a channel needs DISCORD_TOKEN, else it is previewed (as the runner does). */
function dryRunDestination(schedule: DigestScheduleConfig, discord: DiscordSettings): Destination {
  const destination = configuredDestination(schedule.destination, discord.apiBase);
  return destination.kind === 'channel' && !discord.token ? PREVIEW : destination;
}

export interface DigestRuntime {
  deliverer: Deliverer;
  runner: DigestRunner;
  /** Priority alerts, sent through the same outbox right after each poll cycle. */
  alerts: AlertRunner;
  /** The logged-in bot in bot mode (the slash commands answer on it). */
  client?: Client | undefined;
  close(): Promise<void>;
}

/**
 * The delivery side for `start` and `digest --once`: bot, webhook or preview mode from the
 * environment, and the digest runner over the outbox. A token Discord rejects stops the command
 * with one clear line (exit 2); an unreachable Discord with exit 1; `ctx.signal` aborted while the
 * bot logs in (a stop during start-up) with exit 0.
 */
export async function openDigestRuntime(ctx: AppContext, io: CliIO): Promise<DigestRuntime> {
  const schedules = ctx.config.digests;
  // Before the login: a broken digest prompt must stop start-up without leaving a gateway open.
  const overview = overviewWriterFor(ctx.llm, ctx.store.outbox, ctx.logger);
  const setup = await createDeliverer({
    discord: ctx.config.discord,
    logger: ctx.logger,
    out: io.stdout,
    previewDir: previewDirectory(ctx.config.database),
    hasWebhooks: [...schedules, ...ctx.config.alerts].some((target) => target.destination?.webhookUrl),
    onDiscordState: ctx.discordState.set,
    signal: ctx.signal,
  });
  if (setup.kind === 'stopped') {
    ctx.logger.info({ module: 'digest-command' }, `digest-command: ${setup.message}`);
    throw new CommanderError(0, 'sancocho.stopped', setup.message);
  }
  if (setup.kind !== 'ok') {
    writeLine(io.stderr, `sancocho: ${setup.message}`);
    throw new CommanderError(setup.kind === 'invalid-token' ? 2 : 1, `sancocho.discord-${setup.kind}`, setup.message);
  }
  const runner = createDigestRunner({
    ...ctx,
    schedules,
    deliverer: setup.deliverer,
    overview,
    webhookApiBase: ctx.config.discord.apiBase,
    alertDestinations: ctx.config.alerts.map((alert) => alert.destination),
    workerId: databaseTarget(ctx.config.database).kind === 'sqlite' ? SOLE_WORKER : ctx.workerId,
    leaseMs: ctx.config.delivery?.leaseSeconds === undefined ? undefined : ctx.config.delivery.leaseSeconds * 1000,
  });
  const alerts = createAlertRunner({
    store: ctx.store,
    logger: ctx.logger,
    alerts: ctx.config.alerts,
    digests: schedules,
    deliverer: setup.deliverer,
    flush: (digestId) => runner.flush(digestId),
    webhookApiBase: ctx.config.discord.apiBase,
  });
  return {
    deliverer: setup.deliverer,
    runner,
    alerts,
    client: setup.client,
    async close() {
      await runner.stop();
      await setup.deliverer.close();
    },
  };
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function describeReport(report: DigestReport, schedule: DigestScheduleConfig, windowMs: number | undefined): string {
  const window = formatDuration(windowMs ?? schedule.window);
  const head = `digest ${report.schedule} (${window})`;
  const stories = count(report.stories, 'story', 'stories');
  const messages = count(report.parts, 'message', 'messages');
  switch (report.status) {
    case 'empty':
      return report.alreadyReceived
        ? `${head}: nothing new for ${report.destination}: ${count(report.alreadyReceived, 'story', 'stories')} in the window went there before; nothing sent`
        : `${head}: no stories in the window; nothing sent`;
    case 'sent':
      return report.destination === 'preview'
        ? `${head}: previewed, ${stories}`
        : `${head}: sent ${messages} to ${report.destination}, ${stories}`;
    case 'pending':
      return `${head}: ${report.sentParts} of ${messages} sent to ${report.destination}; the rest will be retried by \`sancocho start\` (${report.error ?? 'temporary error'})`;
    case 'failed':
      return `${head}: not sent to ${report.destination}: ${report.error ?? 'unknown error'}`;
  }
}

/** The briefing `digest --once` would post: its Markdown (the chart is rendered, not written) or, with --json, its messages too. */
async function dryRunBriefing(
  deps: Omit<ScheduledBriefingDeps, 'lens'>,
  io: CliIO,
  schedule: DigestScheduleConfig,
  window: { from: number; to: number },
  destination: Destination,
  json: boolean,
) {
  const [{ buildScheduledBriefing }, { briefingParts }, { loadLens }, { createLensReader }] = await Promise.all([
    import('../delivery/scheduled-briefing.js'),
    import('../delivery/write-briefing.js'),
    import('../classify/lens-config.js'),
    import('../classify/lens-reader.js'),
  ]);
  const briefing = await buildScheduledBriefing({ ...deps, lens: createLensReader(loadLens()) }, schedule, window);
  const { payloads, markdown, file } = briefingParts(briefing, destination, window.to, 'manual');
  if (!json) return writeLine(io.stdout, markdown.trimEnd());
  const messages = destination.kind === 'preview' ? [] : payloads.map((payload) => (JSON.parse(payload) as { body: unknown }).body);
  writeLine(
    io.stdout,
    JSON.stringify({ schedule: schedule.name, kind: 'briefing', destination: describeDestination(destination), from: window.from, to: window.to, markdown, messages, image: { name: file.name, bytes: file.bytes.length } }),
  );
}
