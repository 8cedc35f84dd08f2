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

  it('shows a feed URL’s password as *** in messages, fields, bindings and errors', () => {
    let written = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.toString();
        callback();
      },
    });
    const url = 'https://lector:s3cr3t@feeds.example/privado.xml';
    const logger = createLogger({ pretty: false, destination }).child({ module: 'ingest-feed', feed: url });
    logger.warn({ url, http: 500 }, `ingest-feed: ${url} answered HTTP 500.`);
    logger.error({ err: new Error(`internal error while reading ${url}`) }, 'poll-feeds: failed');
    expect(written).not.toContain('s3cr3t');
    const lines = written.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      feed: 'https://lector:***@feeds.example/privado.xml',
      url: 'https://lector:***@feeds.example/privado.xml',
      msg: 'ingest-feed: https://lector:***@feeds.example/privado.xml answered HTTP 500.',
    });
    expect(lines[1]).toMatchObject({ err: { message: 'internal error while reading https://lector:***@feeds.example/privado.xml' } });
  });
});
