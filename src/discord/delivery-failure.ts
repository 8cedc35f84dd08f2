import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, HTTPError, RateLimitError } from 'discord.js';
import type { DeliveryOutcome } from '../delivery/deliverer.js';

/** Discord's JSON error codes we explain to the operator. */
const EXPLAINED: Record<number, string> = {
  10003: 'unknown channel: check the channelId in config/sancocho.yaml',
  10015: 'unknown webhook: it was deleted or the URL is wrong; create a new one and update webhookUrl',
  50001: 'missing access: invite the bot to the server and let it see the channel',
  50013: 'missing permissions: give the bot View Channel, Send Messages and Embed Links in the channel',
};

/**
 * Maps what discord.js throws to a delivery outcome. discord.js has already retried 5xx (three
 * times) and waited out 429s with a Retry-After it accepts; what reaches here is what it gave up on.
 */
export function deliveryFailure(error: unknown, target: string): Exclude<DeliveryOutcome, { kind: 'sent' }> {
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : Number(error.code);
    const detail = `${error.status} ${error.message}${Number.isFinite(code) && code > 0 ? ` (code ${code})` : ''}`;
    const hint = EXPLAINED[code];
    if (error.status === 401) return { kind: 'refused', reason: `${target}: Discord rejected the credentials (${detail})` };
    if (error.status === 403 || error.status === 404) {
      return { kind: 'refused', reason: `${target}: ${hint ?? 'Discord refused access'} [${detail}]` };
    }
    if (error.status === 429 || error.status === 408) return { kind: 'retry', reason: `${target}: ${detail}` };
    return { kind: 'rejected', reason: `${target}: Discord rejected the message [${detail}]` };
  }
  if (error instanceof HTTPError) return { kind: 'retry', reason: `${target}: Discord answered ${error.status} ${error.message}` };
  if (error instanceof RateLimitError) {
    return {
      kind: 'retry',
      reason: `${target}: rate limited for ${Math.ceil(error.timeToReset / 1000)}s`,
      retryAfterMs: Math.max(error.timeToReset, error.retryAfter),
    };
  }
  if (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) {
    return { kind: 'refused', reason: `${target}: Discord rejected the token` };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'retry', reason: `${target}: ${message}` };
}
