import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertedStory } from '../../../src/core/alert.js';
import { ENGINES, type OpenedStore } from './engines.js';

describe.each(ENGINES)('alert records, rules, mutes and settings ($name)', (engine) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => {
    await opened.close();
  });

  const waiting: AlertedStory = {
    alertId: 'alert:caribe:7',
    itemIds: [7, 9],
    outlets: ['El Nacional', 'Reuters'],
    outletsAtAlert: 2,
    reasons: [{ kind: 'rule', theme: 'us-venezuela', term: 'ataque', outlet: 'El Nacional' }],
    state: 'waiting',
    decidedAt: 1_000,
  };

  it('give back what was saved for a destination: the recent ones and every one still waiting', async () => {
    const { alerts } = opened.store;
    await alerts.save('caribe', 'channel:1', waiting);
    await alerts.save('caribe', 'channel:1', { ...waiting, alertId: 'alert:caribe:3', state: 'to-digest', decidedAt: 10 });
    await alerts.save('other', 'channel:2', { ...waiting, alertId: 'alert:other:7' });
    expect(await alerts.forDestination('caribe', 500)).toEqual([waiting]);
    expect((await alerts.forDestination('caribe', 0)).map((record) => record.alertId)).toEqual(['alert:caribe:3', 'alert:caribe:7']);
    // A waiting alert is given back however old: it must be sent or handed over, never forgotten.
    expect(await alerts.forDestination('caribe', 5_000)).toEqual([waiting]);
  });

  it('replace a record as it changes, keep the outbox digest of its post, and mark its items for the digest', async () => {
    const { alerts, outbox } = opened.store;
    const { digest } = await outbox.enqueue({
      schedule: waiting.alertId, slotAt: 0, trigger: 'manual', destination: 'channel:1', windowFrom: 0, windowTo: 1, stories: 1, markdown: 'm', payloads: ['{}'], now: 2_000,
    });
    await alerts.save('caribe', 'channel:1', { ...waiting, state: 'sent', sentAt: 2_000 }, digest.id);
    const joined = { ...waiting, state: 'sent' as const, sentAt: 2_000, itemIds: [7, 9, 12], outlets: ['El Nacional', 'Reuters', 'EFE'] };
    await alerts.save('caribe', 'channel:1', joined);
    expect(await alerts.forDestination('caribe', 0)).toEqual([joined]);
    expect(await alerts.postDigestId(waiting.alertId)).toBe(digest.id);
    expect(await alerts.postDigestId('alert:caribe:404')).toBeNull();
    const marked = await alerts.alertedItems('channel:1', [7, 12, 13]);
    expect([...marked.entries()]).toEqual([
      [7, { alertId: waiting.alertId, state: 'sent', sentAt: 2_000, outletsAtAlert: 2, heldBecause: null }],
      [12, { alertId: waiting.alertId, state: 'sent', sentAt: 2_000, outletsAtAlert: 2, heldBecause: null }],
    ]);
    expect((await alerts.alertedItems('channel:2', [7])).size).toBe(0);
  });

  it('keep why a story was handed to the digest instead of alerting', async () => {
    const { alerts } = opened.store;
    const held = { ...waiting, alertId: 'alert:caribe:30', itemIds: [30], state: 'to-digest' as const, heldBecause: 'quiet' as const };
    await alerts.save('caribe', 'channel:1', held);
    expect(await alerts.forDestination('caribe', 0)).toContainEqual(held);
    expect([...(await alerts.alertedItems('channel:1', [30])).entries()]).toEqual([
      [30, { alertId: 'alert:caribe:30', state: 'to-digest', sentAt: null, outletsAtAlert: held.outletsAtAlert, heldBecause: 'quiet' }],
    ]);
  });

  it('keep each server’s rules apart, removable only by their server', async () => {
    const { alerts } = opened.store;
    const rule = { guildId: 'g1', theme: 'us-venezuela' as const, terms: ['ataque', 'strike'], minOutlets: null, channelId: 'c1', language: 'es' as const, createdBy: 'u1', createdAt: 5 };
    const first = await alerts.addRule(rule);
    const second = await alerts.addRule({ ...rule, terms: [], minOutlets: 4, theme: 'trade-tariffs' });
    const other = await alerts.addRule({ ...rule, guildId: 'g2' });
    expect(await alerts.rulesForGuild('g1')).toEqual([
      { ...rule, id: first },
      { ...rule, id: second, terms: [], minOutlets: 4, theme: 'trade-tariffs' },
    ]);
    expect(await alerts.removeRule('g1', other)).toBe(false);
    expect(await alerts.removeRule('g1', first)).toBe(true);
    expect(await alerts.removeRule('g1', first)).toBe(false);
    expect((await alerts.allRules()).map((r) => [r.guildId, r.id])).toEqual([
      ['g1', second],
      ['g2', other],
    ]);
  });

  it('mute a server until a time, a later mute replacing an earlier one', async () => {
    const { alerts } = opened.store;
    await alerts.mute('g1', 10_000, 'u1', 1);
    await alerts.mute('g1', 20_000, 'u2', 2);
    await alerts.mute('g0', 5_000, 'u2', 2);
    expect(await alerts.mutes()).toEqual([
      { guildId: 'g0', until: 5_000 },
      { guildId: 'g1', until: 20_000 },
    ]);
  });

  it('keep each server’s settings, a later save replacing the earlier one, quiet hours or none', async () => {
    const { alerts } = opened.store;
    expect(await alerts.allSettings()).toEqual([]);
    await alerts.saveSettings({ guildId: 'g1', timezone: 'America/Caracas', quietHours: { from: 1350, to: 420 }, maxPerHour: 2 }, 'u1', 1);
    await alerts.saveSettings({ guildId: 'g0', timezone: 'UTC', quietHours: null, maxPerHour: 4 }, 'u1', 1);
    await alerts.saveSettings({ guildId: 'g1', timezone: 'America/Sao_Paulo', quietHours: { from: 0, to: 360 }, maxPerHour: 1 }, 'u2', 2);
    expect(await alerts.allSettings()).toEqual([
      { guildId: 'g0', timezone: 'UTC', quietHours: null, maxPerHour: 4 },
      { guildId: 'g1', timezone: 'America/Sao_Paulo', quietHours: { from: 0, to: 360 }, maxPerHour: 1 },
    ]);
  });

  it('change only the settings given, keeping the others, and give the defaults to a server that set none', async () => {
    const { alerts } = opened.store;
    expect(await alerts.settingsFor('g9')).toEqual({ guildId: 'g9', timezone: 'UTC', quietHours: null, maxPerHour: 4 });
    await alerts.saveSettings({ guildId: 'g9', maxPerHour: 2 }, 'u1', 1);
    expect(await alerts.settingsFor('g9')).toEqual({ guildId: 'g9', timezone: 'UTC', quietHours: null, maxPerHour: 2 });
    // Two admins at once, one the zone and one the quiet hours: both changes stay.
    await Promise.all([
      alerts.saveSettings({ guildId: 'g9', timezone: 'America/Caracas' }, 'u1', 2),
      alerts.saveSettings({ guildId: 'g9', quietHours: { from: 1320, to: 420 } }, 'u2', 2),
    ]);
    expect(await alerts.settingsFor('g9')).toEqual({ guildId: 'g9', timezone: 'America/Caracas', quietHours: { from: 1320, to: 420 }, maxPerHour: 2 });
    await alerts.saveSettings({ guildId: 'g9', quietHours: null }, 'u1', 3);
    expect(await alerts.settingsFor('g9')).toEqual({ guildId: 'g9', timezone: 'America/Caracas', quietHours: null, maxPerHour: 2 });
  });

  it('queue an edit in the outbox that names the digest whose message it replaces', async () => {
    const { outbox } = opened.store;
    const base = { slotAt: 0, trigger: 'manual' as const, destination: 'channel:1', windowFrom: 0, windowTo: 1, stories: 1, markdown: 'm', now: 3 };
    const post = await outbox.enqueue({ ...base, schedule: 'alert:caribe:7', payloads: ['{"a":1}'] });
    const edit = await outbox.enqueue({ ...base, schedule: 'alert:caribe:7', slotAt: 9, payloads: ['{"a":2}'], editOf: post.digest.id });
    expect((await outbox.parts(post.digest.id))[0]?.editOf).toBeNull();
    expect((await outbox.parts(edit.digest.id))[0]?.editOf).toBe(post.digest.id);
    // The newest edit queued for the post is what any of its edits sends.
    expect(await outbox.latestEdit(post.digest.id)).toBe('{"a":2}');
    await outbox.enqueue({ ...base, schedule: 'alert:caribe:7', slotAt: 12, payloads: ['{"a":3}'], editOf: post.digest.id });
    expect(await outbox.latestEdit(post.digest.id)).toBe('{"a":3}');
    expect(await outbox.latestEdit(edit.digest.id)).toBeUndefined();
  });

  it('let one decision run at a time: a second waits for the first, and then reads what it wrote', async () => {
    const { alerts } = opened.store;
    let running = 0;
    let overlapped = false;
    const decide = (alertId: string) =>
      alerts.decideAlone(async () => {
        running++;
        overlapped ||= running > 1;
        const seen = (await alerts.forDestination('caribe', 0)).map((record) => record.alertId);
        // Long enough for the other decision to start, were it not kept waiting.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await alerts.save('caribe', 'channel:1', { ...waiting, alertId });
        running--;
        return seen;
      });
    const [first, second] = await Promise.all([decide('alert:caribe:1'), decide('alert:caribe:2')]);
    expect(overlapped).toBe(false);
    expect([first, second].sort((a, b) => a.length - b.length)).toEqual([[], [expect.stringMatching(/^alert:caribe:[12]$/)]]);
  });
});
