import type { Command } from 'commander';
import { createAppContext } from '../app-context.js';
import { loadConfig } from '../config/load-config.js';
import { pollFeedsJob } from '../jobs/poll-feeds-job.js';
import { startScheduler } from '../jobs/scheduler.js';
import { cliLogger, type CliIO } from './cli-io.js';
import { untilSignal } from './until-signal.js';

export function registerStartCommand(program: Command, io: CliIO): void {
  program
    .command('start')
    .description('run Sancocho: poll feeds on schedule until SIGINT/SIGTERM')
    .action(async () => {
      const config = loadConfig(io.env);
      const ctx = createAppContext(config, cliLogger(io, 'info'));
      const scheduler = startScheduler([pollFeedsJob(ctx)], ctx.logger);
      ctx.logger.info(
        { module: 'start', config: config.source, database: config.database, feeds: ctx.feeds.enabled().length },
        'start: Sancocho is running; Ctrl-C stops it',
      );
      void scheduler.runNow('poll-feeds');
      const signal = await untilSignal();
      ctx.logger.info({ module: 'start', signal }, 'start: stopping');
      await scheduler.stop();
      await ctx.close();
    });
}
