import type { AppContext } from '../app-context.js';
import { runPollCycle } from '../pipeline/run-poll-cycle.js';
import type { Job } from './scheduler.js';

/** Polls the due feeds and classifies what is new, on the configured cron schedule. */
export function pollFeedsJob(ctx: AppContext): Job {
  return {
    name: 'poll-feeds',
    schedule: ctx.config.polling.schedule,
    async run() {
      const { feeds: reports, classified } = await runPollCycle(ctx);
      const sum = (key: 'new' | 'updated' | 'duplicate') => reports.reduce((total, report) => total + report[key], 0);
      ctx.logger.info(
        {
          module: 'poll-feeds-job',
          feeds: reports.length,
          errors: reports.filter((report) => report.status === 'error').length,
          new: sum('new'),
          updated: sum('updated'),
          classified: classified.classified,
        },
        'poll-feeds-job: cycle done',
      );
    },
  };
}
