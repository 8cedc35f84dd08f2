import type { Client } from 'discord.js';
import type { Logger } from '../core/logger.js';
import type { Destination } from './destination.js';
import type { DeliveryOutcome, OutboxPayload } from './deliverer.js';
import { deliveryFailure } from './delivery-failure.js';

/**
 * Posts a message to a channel with the logged-in bot. The part's nonce goes with
 * `enforce_nonce`: if a crash came after Discord created the message but before we recorded it,
 * resending returns the same message instead of posting it twice.
 */
export function createBotSender(client: Client, logger: Logger) {
  const log = logger.child({ module: 'deliver-bot' });
  return async function sendToChannel(
    destination: Extract<Destination, { kind: 'channel' }>,
    payload: OutboxPayload,
    nonce: string,
  ): Promise<DeliveryOutcome> {
    const target = `channel ${destination.channelId}`;
    if (payload.type !== 'discord') return { kind: 'rejected', reason: `${target}: a preview payload cannot go to a channel` };
    try {
      const channel = await client.channels.fetch(destination.channelId);
      if (!channel) return { kind: 'refused', reason: `${target}: unknown channel` };
      if (!channel.isSendable()) return { kind: 'refused', reason: `${target}: not a channel the bot can post in` };
      const message = await channel.send({
        content: payload.body.content,
        embeds: payload.body.embeds,
        allowedMentions: { parse: [] },
        nonce,
        enforceNonce: true,
      });
      log.debug({ channel: destination.channelId, message: message.id }, 'deliver-bot: message accepted');
      return { kind: 'sent', messageId: message.id };
    } catch (error) {
      return deliveryFailure(error, target);
    }
  };
}
