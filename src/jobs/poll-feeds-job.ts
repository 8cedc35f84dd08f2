import type { AppContext } from '../app-context.js';
import type { AlertRunner } from '../delivery/alert-runner.js';
import { runPollCycle } from '../pipeline/run-poll-cycle.js';
import type { Job } from './scheduler.js';

/**
 * Polls the due feeds and classifies what is new, on the configured cron schedule; then, as soon as
 * the cycle's classification finished, the priority alerts (when the runtime has them).
 */
export function pollFeedsJob(ctx: AppContext, alerts?: Pick<AlertRunner, 'run'>): Job {
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
      if (!alerts) return;
      try {
        await alerts.run();
      } catch (error) {
        // The next cycle decides again from the same records: nothing decided is lost, nothing sent twice.
        ctx.logger.error({ module: 'poll-feeds-job', err: error }, 'poll-feeds-job: the alert step failed; the next cycle tries again');
      }
    },
  };
}
