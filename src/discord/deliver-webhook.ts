import { Routes, WebhookClient, makeURLSearchParams, type APIMessage } from 'discord.js';
import type { Logger } from '../core/logger.js';
import { restOptions } from './create-client.js';
import type { Destination } from '../config/destination.js';
import type { DeliveryOutcome, OutboxPayload, SendOptions } from '../delivery/deliverer.js';
import { deliveryFailure } from './delivery-failure.js';
import { messageBody, messageFiles } from './message-files.js';

/**
 * Posts through a webhook: no bot, no gateway. Sent with `?wait=true`, so Discord answers with the
 * created message and its id is recorded in the same step. A webhook can neither list its channel
 * nor honour a nonce, so one window remains: a crash or stop after Discord created the message and
 * before its answer arrived makes that part appear twice after the restart; it is logged when it
 * may have happened. One client per webhook, kept for the process's life.
 */
export function createWebhookSender(logger: Logger) {
  const log = logger.child({ module: 'deliver-webhook' });
  const clients = new Map<string, WebhookClient>();
  const clientFor = (destination: Extract<Destination, { kind: 'webhook' }>) => {
    const key = `${destination.webhookId}@${destination.apiBase}`;
    let client = clients.get(key);
    if (!client) {
      client = new WebhookClient({ id: destination.webhookId, token: destination.token }, { rest: restOptions(destination.apiBase) });
      clients.set(key, client);
    }
    return client;
  };
  return {
    async send(destination: Extract<Destination, { kind: 'webhook' }>, payload: OutboxPayload, options: Pick<SendOptions, 'earlierAttemptAt' | 'signal'>): Promise<DeliveryOutcome> {
      const target = `webhook ${destination.webhookId}`;
      if (payload.type !== 'discord') return { kind: 'rejected', reason: `${target}: a preview payload cannot go to a webhook` };
      if (options.earlierAttemptAt != null) {
        log.warn(
          { webhook: destination.webhookId, attemptedAt: new Date(options.earlierAttemptAt).toISOString() },
          `deliver-webhook: an earlier send to ${target} was interrupted; a webhook cannot check whether it arrived, so the part is sent again and may appear twice`,
        );
      }
      try {
        const message = (await clientFor(destination).rest.post(Routes.webhook(destination.webhookId, destination.token), {
          body: { ...messageBody(payload), allowed_mentions: { parse: [] } },
          ...messageFiles(payload),
          query: makeURLSearchParams({ wait: true }),
          auth: false,
          signal: options.signal,
        })) as APIMessage;
        log.debug({ webhook: destination.webhookId, message: message.id }, 'deliver-webhook: message accepted');
        return { kind: 'sent', messageId: message.id };
      } catch (error) {
        if (options.signal?.aborted) return { kind: 'interrupted' };
        return deliveryFailure(error, target);
      }
    },
    /** An alert's edit: PATCH of the webhook's own message. */
    async edit(destination: Extract<Destination, { kind: 'webhook' }>, messageId: string, payload: OutboxPayload, options: Pick<SendOptions, 'signal'>): Promise<DeliveryOutcome> {
      const target = `webhook ${destination.webhookId}`;
      if (payload.type !== 'discord') return { kind: 'rejected', reason: `${target}: a preview payload cannot go to a webhook` };
      try {
        await clientFor(destination).rest.patch(Routes.webhookMessage(destination.webhookId, destination.token, messageId), {
          body: { content: payload.body.content, embeds: payload.body.embeds, allowed_mentions: { parse: [] } },
          auth: false,
          signal: options.signal,
        });
        log.debug({ webhook: destination.webhookId, message: messageId }, 'deliver-webhook: edit accepted');
        return { kind: 'sent', messageId };
      } catch (error) {
        if (options.signal?.aborted) return { kind: 'interrupted' };
        return deliveryFailure(error, target);
      }
    },
    close(): void {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
