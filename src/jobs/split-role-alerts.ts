import type { AppContext } from '../app-context.js';
import { createAlertRunner, type AlertRunner } from '../delivery/alert-runner.js';
import type { DigestRunner } from '../delivery/digest-runner.js';

/**
 * Alerts when the roles are split: a poller decides them and writes them into the outbox after its
 * cycle; the worker that sends the outbox (digester or all) sends them as soon as it is nudged.
 */

/**
 * The alert runner of a worker that does not send: the destinations are those the sending worker
 * would use (a channel needs DISCORD_TOKEN, set for the whole deployment), and "send now" is a
 * nudge to the sender.
 */
export function pollerAlerts(ctx: AppContext): AlertRunner {
  return createAlertRunner({
    store: ctx.store,
    logger: ctx.logger,
    alerts: ctx.config.alerts,
    digests: ctx.config.digests,
    deliverer: { canDeliver: (destination) => destination.kind !== 'channel' || ctx.config.discord.token !== undefined },
    flush: () => ctx.store.wakeups.notify(),
    webhookApiBase: ctx.config.discord.apiBase,
  });
}

/** The sender flushes the outbox as soon as another worker wrote into it (a poller's alert). */
export async function listenForOutbox(ctx: AppContext, runtime: { runner: Pick<DigestRunner, 'flush'> }): Promise<() => Promise<void>> {
  const log = ctx.logger.child({ module: 'split-role-alerts' });
  const wake = (): void => {
    runtime.runner.flush().catch((error: unknown) => log.error({ err: error }, 'split-role-alerts: sending the outbox on a nudge failed; the next tick tries again'));
  };
  try {
    return await ctx.store.wakeups.listen(wake);
  } catch (error) {
    log.warn({ err: error }, 'split-role-alerts: cannot listen for outbox nudges; alerts from pollers go out at the next digest tick');
    return async () => undefined;
  }
}
