import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';

describe('the logger', () => {
  it('never writes tokens: neither secret fields nor the URL and body of a failed Discord request', () => {
    let written = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.toString();
        callback();
      },
    });
    const logger = createLogger({ pretty: false, destination });
    const error = Object.assign(new Error('Unknown interaction'), {
      url: 'https://discord.com/api/v10/webhooks/1/SECRET-INTERACTION-TOKEN/messages/@original',
      requestBody: { json: { content: 'x' } },
    });
    logger.error({ err: error, token: 'SECRET-BOT-TOKEN', config: { apiKey: 'SECRET-KEY' } }, 'interaction-handler: failed');
    expect(written).toContain('Unknown interaction');
    expect(written).not.toMatch(/SECRET/);
  });
});
