import type { DigestScheduleConfig } from '../config/config-schema.js';
import type { DigestRunner } from '../delivery/digest-runner.js';
import type { Job } from './scheduler.js';

/** One job per digest schedule, plus the outbox retry every minute. */
export function digestJobs(runner: Pick<DigestRunner, 'runScheduled' | 'flush'>, schedules: DigestScheduleConfig[]): Job[] {
  return [
    ...schedules.map((schedule) => ({
      name: `digest:${schedule.name}`,
      schedule: schedule.cron,
      timezone: schedule.timezone,
      async run() {
        await runner.runScheduled(schedule);
      },
    })),
    { name: 'digest-outbox', schedule: '* * * * *', run: () => runner.flush() },
  ];
}
