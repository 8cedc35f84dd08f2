import type { Logger } from '../core/logger.js';

export interface LeaseHold {
  /** Extends the lease; false when it was lost (it expired and another worker took it over). */
  renew(): Promise<boolean>;
  /** How often to renew: a fraction of the lease, so one slow renewal does not let it lapse. */
  everyMs: number;
  /** Names the lease in the log line when a renewal fails. */
  what: string;
  logger: Logger;
}

/**
 * Runs `work` while keeping a lease alive, for work that may outlast it (a build that calls the
 * LLM, a send that waits out Discord's rate limits). A lost lease is logged, not fatal: the worker
 * that took it over looks before it resends, so the work is still done once.
 */
export async function holdLease<T>(hold: LeaseHold, work: () => Promise<T>): Promise<T> {
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      const kept = await hold.renew().catch((error: unknown) => {
        hold.logger.warn({ err: error }, `digest-job: could not renew the lease on ${hold.what}`);
        return true;
      });
      if (!kept) hold.logger.warn(`digest-job: lost the lease on ${hold.what}; another worker took it over`);
    });
  }, hold.everyMs);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await renewing;
  }
}
