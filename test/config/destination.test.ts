import { describe, expect, it } from 'vitest';
import { configuredDestination, describeDestination, parseWebhookUrl } from '../../src/config/destination.js';

describe('destinations', () => {
  it.each([
    ['https://discord.com/api/webhooks/123/abc_DEF-9', { apiBase: 'https://discord.com/api', id: '123', token: 'abc_DEF-9' }],
    ['https://discord.com/api/v10/webhooks/123/tok?wait=true', { apiBase: 'https://discord.com/api', id: '123', token: 'tok' }],
    ['http://127.0.0.1:5000/api/webhooks/9/t', { apiBase: 'http://127.0.0.1:5000/api', id: '9', token: 't' }],
    ['https://example.com/hooks/1/2', null],
  ])('reads the webhook URL %s', (url, expected) => {
    expect(parseWebhookUrl(url)).toEqual(expected);
  });

  it('keys destinations without secrets: a webhook by its id, never its token', () => {
    const webhook = configuredDestination({ webhookUrl: 'https://discord.com/api/webhooks/123/secret-token' });
    expect(webhook).toMatchObject({ kind: 'webhook', key: 'webhook:123', token: 'secret-token' });
    expect(describeDestination(webhook)).toBe('webhook 123');
    expect(configuredDestination({ webhookUrl: 'https://discord.com/api/webhooks/1/t' }, 'http://proxy/api')).toMatchObject({ apiBase: 'http://proxy/api' });
    expect(configuredDestination({ channelId: '444444444444444444' })).toEqual({ kind: 'channel', key: 'channel:444444444444444444', channelId: '444444444444444444' });
    expect(configuredDestination(undefined)).toEqual({ kind: 'preview', key: 'preview' });
  });
});
