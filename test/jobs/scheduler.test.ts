import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { startScheduler } from '../../src/jobs/scheduler.js';

describe('the scheduler', () => {
  it('runs a job once at a time: a second start while it runs joins the first', async () => {
    let runs = 0;
    let release = () => undefined as void;
    const job = {
      name: 'poll-feeds',
      schedule: '0 0 1 1 *',
      run: () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const scheduler = startScheduler([job], silentLogger());
    const first = scheduler.runNow('poll-feeds');
    const second = scheduler.runNow('poll-feeds');
    release();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    const third = scheduler.runNow('poll-feeds');
    expect(runs).toBe(2);
    release();
    await third;
    await scheduler.stop();
  });

  it('logs a failing job and keeps the schedule', async () => {
    const scheduler = startScheduler([{ name: 'broken', schedule: '0 0 1 1 *', run: () => Promise.reject(new Error('boom')) }], silentLogger());
    await expect(scheduler.runNow('broken')).resolves.toBeUndefined();
    await scheduler.stop();
  });
});
