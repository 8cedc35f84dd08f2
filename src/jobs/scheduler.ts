import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../core/logger.js';

/** A named piece of recurring work. Its failures are logged here; they never stop the schedule. */
export interface Job {
  name: string;
  schedule: string;
  timezone?: string | undefined;
  run(): Promise<void>;
}

export interface Scheduler {
  /** Runs one job now, outside its schedule, with the same error handling. */
  runNow(name: string): Promise<void>;
  /** Stops the schedules and waits for the runs in flight to finish. */
  stop(): Promise<void>;
}

export function startScheduler(jobs: Job[], logger: Logger): Scheduler {
  const inFlight = new Map<string, Promise<void>>();
  const byName = new Map(jobs.map((job) => [job.name, job]));
  // One run per job at a time, whoever starts it (a cron tick or runNow): a second start while
  // one is running joins it instead of polling the same feeds twice.
  const guarded = (job: Job) => (): Promise<void> => {
    const running = inFlight.get(job.name);
    if (running) return running;
    const started = Date.now();
    const run = job
      .run()
      .then(
        () => logger.debug({ module: 'scheduler', job: job.name, ms: Date.now() - started }, 'scheduler: job finished'),
        (error: unknown) => logger.error({ module: 'scheduler', job: job.name, err: error }, `scheduler: job ${job.name} failed`),
      )
      .finally(() => inFlight.delete(job.name));
    inFlight.set(job.name, run);
    return run;
  };
  // noOverlap: a slow poll cycle is skipped, not stacked, when the next tick comes.
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(job.schedule, guarded(job), { name: job.name, timezone: job.timezone, noOverlap: true }),
  );
  return {
    async runNow(name) {
      const job = byName.get(name);
      if (job) await guarded(job)();
    },
    async stop() {
      await Promise.all(tasks.map((task) => task.stop()));
      await Promise.all(inFlight.values());
      await Promise.all(tasks.map((task) => task.destroy()));
    },
  };
}
