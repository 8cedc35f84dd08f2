import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Destination } from '../../src/config/destination.js';
import { createLogger } from '../../src/core/logger.js';
import { SOLE_WORKER } from '../../src/core/worker-id.js';
import type { Deliverer } from '../../src/delivery/deliverer.js';
import { createOutboxSender, DEFAULT_RETRY } from '../../src/delivery/outbox-sender.js';
import { createWebhookSender } from '../../src/discord/deliver-webhook.js';
import { openDatabase, type Database } from '../../src/store/open-database.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { WEBHOOK_ID, WEBHOOK_TOKEN, startFakeDiscord, type FakeDiscord } from '../peers/fake-discord.js';

const T0 = Date.UTC(2026, 10, 30, 12);

/** An alert's post, then its edits as outlets join: each edit carries the whole message as it should read. */
describe('an alert’s edits through the outbox', () => {
  let fake: FakeDiscord;
  let db: Database;
  let webhook: ReturnType<typeof createWebhookSender>;

  beforeEach(async () => {
    fake = await startFakeDiscord();
    db = openDatabase(':memory:');
  });
  afterEach(async () => {
    webhook?.close();
    db.close();
    await fake.close();
  });

  it('never puts an older text back: an edit retried after a later one went out sends the later text', async () => {
    const store = createSqliteStore(db);
    const logger = createLogger({ level: 'silent', destination: new PassThrough() });
    webhook = createWebhookSender(logger);
    const destination: Destination = { kind: 'webhook', key: `webhook:${WEBHOOK_ID}`, webhookId: WEBHOOK_ID, token: WEBHOOK_TOKEN, apiBase: fake.api };
    const deliverer: Deliverer = {
      mode: 'webhook',
      canDeliver: () => true,
      send: (to, payload, options) => webhook.send(to as Extract<Destination, { kind: 'webhook' }>, payload, options),
      edit: (to, messageId, payload, options) => webhook.edit(to as Extract<Destination, { kind: 'webhook' }>, messageId, payload, options),
      close: async () => webhook.close(),
    };
    let clock = T0;
    const sender = createOutboxSender({
      outbox: store.outbox,
      destinations: { byKey: () => destination },
      deliverer,
      logger,
      now: () => clock,
      retry: { ...DEFAULT_RETRY, baseMs: 60_000 },
      lease: { owner: SOLE_WORKER, ms: 30_000 },
    });
    const enqueue = (slotAt: number, content: string, editOf?: number) =>
      store.outbox.enqueue({
        schedule: 'alert:caribe:7', slotAt, trigger: 'manual', destination: destination.key, windowFrom: 0, windowTo: 1, stories: 1,
        markdown: content, payloads: [JSON.stringify({ type: 'discord', body: { content } })], now: clock, ...(editOf === undefined ? {} : { editOf }),
      });

    const post = await enqueue(1, 'Ataque en el Caribe · 3 medios');
    await sender.flush(post.digest.id);
    const [message] = fake.messages;
    expect(message?.body.content).toBe('Ataque en el Caribe · 3 medios');

    // The first edit meets a Discord outage and waits to be retried…
    const first = await enqueue(2, 'Ataque en el Caribe · 4 medios', post.digest.id);
    // (discord.js retries a 5xx itself a few times before the outbox hears of it.)
    fake.scriptEdits(...Array.from({ length: 5 }, () => ({ status: 503, body: { message: 'Service Unavailable' } })));
    await sender.flush(first.digest.id);
    expect((await store.outbox.parts(first.digest.id))[0]?.status).not.toBe('sent');
    // …while a later one goes out.
    const second = await enqueue(3, 'Ataque en el Caribe · 6 medios', post.digest.id);
    await sender.flush(second.digest.id);
    expect(message?.body.content).toBe('Ataque en el Caribe · 6 medios');

    clock += 10 * 60_000;
    await sender.flush(first.digest.id);
    expect((await store.outbox.parts(first.digest.id))[0]?.status).toBe('sent');
    expect(message?.edits.map((edit) => edit.content)).toEqual(['Ataque en el Caribe · 6 medios', 'Ataque en el Caribe · 6 medios']);
    expect(message?.body.content).toBe('Ataque en el Caribe · 6 medios');
  });
});
