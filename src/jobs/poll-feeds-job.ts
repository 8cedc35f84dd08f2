import type { AppContext } from '../app-context.js';
import { pollFeeds } from '../pipeline/poll-feeds.js';
import type { Job } from './scheduler.js';

/** Polls the due feeds on the configured cron schedule and logs a one-line summary. */
export function pollFeedsJob(ctx: AppContext): Job {
  return {
    name: 'poll-feeds',
    schedule: ctx.config.polling.schedule,
    async run() {
      const reports = await pollFeeds(ctx);
      const sum = (key: 'new' | 'updated' | 'duplicate') => reports.reduce((total, report) => total + report[key], 0);
      ctx.logger.info(
        {
          module: 'poll-feeds-job',
          feeds: reports.length,
          errors: reports.filter((report) => report.status === 'error').length,
          new: sum('new'),
          updated: sum('updated'),
        },
        'poll-feeds-job: cycle done',
      );
    },
  };
}
