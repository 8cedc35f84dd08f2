import { WebhookClient } from 'discord.js';
import type { Logger } from '../core/logger.js';
import { restOptions } from './create-client.js';
import type { Destination } from './destination.js';
import type { DeliveryOutcome, OutboxPayload } from './deliverer.js';
import { deliveryFailure } from './delivery-failure.js';

/**
 * Posts through a webhook: no bot, no gateway. discord.js sends with `?wait=true`, so the answer
 * carries the message id we record. One client per webhook, kept for the process's life.
 */
export function createWebhookSender(logger: Logger) {
  const log = logger.child({ module: 'deliver-webhook' });
  const clients = new Map<string, WebhookClient>();
  const clientFor = (destination: Extract<Destination, { kind: 'webhook' }>) => {
    const key = `${destination.webhookId}@${destination.apiBase}`;
    let client = clients.get(key);
    if (!client) {
      client = new WebhookClient(
        { id: destination.webhookId, token: destination.token },
        { rest: restOptions(destination.apiBase), allowedMentions: { parse: [] } },
      );
      clients.set(key, client);
    }
    return client;
  };
  return {
    async send(destination: Extract<Destination, { kind: 'webhook' }>, payload: OutboxPayload): Promise<DeliveryOutcome> {
      const target = `webhook ${destination.webhookId}`;
      if (payload.type !== 'discord') return { kind: 'rejected', reason: `${target}: a preview payload cannot go to a webhook` };
      try {
        const message = await clientFor(destination).send({
          content: payload.body.content,
          embeds: payload.body.embeds,
          allowedMentions: { parse: [] },
        });
        log.debug({ webhook: destination.webhookId, message: message.id }, 'deliver-webhook: message accepted');
        return { kind: 'sent', messageId: message.id };
      } catch (error) {
        return deliveryFailure(error, target);
      }
    },
    close(): void {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
