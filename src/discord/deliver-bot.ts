import { DiscordAPIError, Routes, SnowflakeUtil, makeURLSearchParams, type APIMessage, type Client } from 'discord.js';
import type { Logger } from '../core/logger.js';
import type { DiscordMessageBody } from '../digest/split-messages.js';
import type { Destination } from '../config/destination.js';
import type { DeliveryOutcome, OutboxPayload, SendOptions } from '../delivery/deliverer.js';
import { deliveryFailure } from './delivery-failure.js';
import { findSentPart, listedMessagesSchema } from './find-sent-part.js';
import { messageBody, messageFiles } from './message-files.js';

/** Our clock and Discord's may disagree by this much; the lookup starts this long before the attempt. */
const CLOCK_SKEW_MS = 2 * 60_000;
/** A send that reached Discord created its message within this long after the attempt began (discord.js retries included). */
const LOOKUP_WINDOW_MS = 10 * 60_000;
/** Discord lists at most 100 messages a page. */
const PAGE = 100;
const MAX_PAGES = 5;

/**
 * Posts a message to a channel with the logged-in bot. The part's nonce goes with `enforce_nonce`,
 * so a resend within minutes returns the same message. For a part whose earlier send may have
 * reached Discord (a crash, a stop, a lost answer) the channel is looked up first, because by a
 * restart an hour later Discord has forgotten the nonce: the part is marked sent if it is there.
 */
export function createBotSender(client: Client, logger: Logger) {
  const log = logger.child({ module: 'deliver-bot' });

  /**
   * The part's message among those the bot posted from the attempt on, or null. Without Read Message
   * History the channel cannot be listed: the part is sent again (with its nonce) rather than lost,
   * and the operator is told how to close that gap.
   */
  async function lookUp(channelId: string, body: DiscordMessageBody, fileName: string | undefined, attemptAt: number, signal: AbortSignal | undefined): Promise<string | null> {
    const botUserId = client.user?.id;
    if (!botUserId) return null;
    let after = SnowflakeUtil.generate({ timestamp: attemptAt - CLOCK_SKEW_MS }).toString();
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const listed = listedMessagesSchema.safeParse(await client.rest.get(Routes.channelMessages(channelId), { query: makeURLSearchParams({ after, limit: PAGE }), signal }));
        if (!listed.success) {
          log.warn({ channel: channelId }, `deliver-bot: channel ${channelId}'s messages came back in an unexpected shape; sending the interrupted part again (it may appear twice)`);
          return null;
        }
        const messages = listed.data;
        const found = findSentPart(messages, body, botUserId, fileName);
        if (found !== null || messages.length < PAGE) return found;
        const newest = messages.reduce((max, message) => (BigInt(message.id) > BigInt(max) ? message.id : max), after);
        if (SnowflakeUtil.timestampFrom(newest) > attemptAt + LOOKUP_WINDOW_MS) return null;
        after = newest;
      }
      return null;
    } catch (error) {
      if (!(error instanceof DiscordAPIError) || error.status !== 403) throw error;
      log.warn(
        { channel: channelId },
        `deliver-bot: cannot read channel ${channelId}'s history to check whether an interrupted part arrived; sending it again (it may appear twice). Give the bot Read Message History there.`,
      );
      return null;
    }
  }

  /** An alert's edit: PATCH of the bot's own message, which it may always edit. */
  async function editInChannel(
    destination: Extract<Destination, { kind: 'channel' }>,
    messageId: string,
    payload: OutboxPayload,
    options: Pick<SendOptions, 'signal'>,
  ): Promise<DeliveryOutcome> {
    const target = `channel ${destination.channelId}`;
    if (payload.type !== 'discord') return { kind: 'rejected', reason: `${target}: a preview payload cannot go to a channel` };
    try {
      await client.rest.patch(Routes.channelMessage(destination.channelId, messageId), {
        body: { content: payload.body.content, embeds: payload.body.embeds, allowed_mentions: { parse: [] } },
        signal: options.signal,
      });
      log.debug({ channel: destination.channelId, message: messageId }, 'deliver-bot: edit accepted');
      return { kind: 'sent', messageId };
    } catch (error) {
      if (options.signal?.aborted) return { kind: 'interrupted' };
      return deliveryFailure(error, target);
    }
  }

  return Object.assign(sendToChannel, { edit: editInChannel });

  async function sendToChannel(
    destination: Extract<Destination, { kind: 'channel' }>,
    payload: OutboxPayload,
    options: SendOptions,
  ): Promise<DeliveryOutcome> {
    const target = `channel ${destination.channelId}`;
    if (payload.type !== 'discord') return { kind: 'rejected', reason: `${target}: a preview payload cannot go to a channel` };
    const { signal } = options;
    try {
      const channel = await client.channels.fetch(destination.channelId);
      if (!channel) return { kind: 'refused', reason: `${target}: unknown channel` };
      if (!channel.isSendable()) return { kind: 'refused', reason: `${target}: not a channel the bot can post in` };
      if (options.earlierAttemptAt != null) {
        const found = await lookUp(destination.channelId, payload.body, payload.file?.name, options.earlierAttemptAt, signal);
        if (found !== null) {
          log.info({ channel: destination.channelId, message: found }, `deliver-bot: ${target} already has this part (message ${found}, an earlier send reached Discord); not sending it again`);
          return { kind: 'sent', messageId: found };
        }
      }
      // With a file discord.js sends multipart: the body (nonce included) as payload_json, the file as files[0].
      const message = (await client.rest.post(Routes.channelMessages(destination.channelId), {
        body: { ...messageBody(payload), allowed_mentions: { parse: [] }, nonce: options.nonce, enforce_nonce: true },
        ...messageFiles(payload),
        signal,
      })) as APIMessage;
      log.debug({ channel: destination.channelId, message: message.id }, 'deliver-bot: message accepted');
      return { kind: 'sent', messageId: message.id };
    } catch (error) {
      if (signal?.aborted) return { kind: 'interrupted' };
      return deliveryFailure(error, target);
    }
  }
}
