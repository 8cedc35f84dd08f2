import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertDestinations } from '../../../src/delivery/alert-destinations.js';
import { serverLanguage } from '../../../src/discord/commands/alerts.js';
import { ADMIN_USER_ID, GUILD_ID, MANAGER_PERMISSIONS } from '../../peers/fake-discord.js';
import { freshUser, startHarness, type Harness } from './harness.js';

const admin = { userId: ADMIN_USER_ID, permissions: MANAGER_PERMISSIONS };
const ALERT_CHANNEL = '888888888888888891';

describe('/alerts through the fake Discord (the server speaks Spanish: es-ES)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ channels: [{ id: ALERT_CHANNEL, name: 'alertas' }] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('adds a rule with terms and one without, lists them by number, and the alert runner plans them as one destination', async () => {
    const withTerms = await h.run('alerts', { subcommand: 'add', options: { theme: 'us-venezuela', channel: ALERT_CHANNEL, terms: 'strike, ataque,  "bombardeio" ,ataque' }, ...admin });
    expect(withTerms.ephemeral).toBe(true);
    expect(withTerms.body.content).toBe(
      `Listo: regla 1, alertas en <#${ALERT_CHANNEL}>. Alerta cuando una noticia de «EE. UU. y Venezuela» diga «strike» o «ataque» o «bombardeio».\n` +
        'Como máximo 4 alertas por hora por canal; las demás esperan o van al resumen.',
    );
    const velocity = await h.run('alerts', { subcommand: 'add', options: { theme: 'regional-integration', channel: ALERT_CHANNEL, outlets: 4, language: 'pt' }, ...admin });
    expect(velocity.body.content).toMatch(/^Listo: regla 2, .* Alerta cuando 4 medios publiquen la misma noticia de «Integración regional» en 3 horas\./);

    const list = await h.run('alerts', { subcommand: 'list', ...admin });
    expect(list.body.content).toBe(
      'Reglas de alerta de este servidor:\n' +
        `**1.** <#${ALERT_CHANNEL}> · Alerta cuando una noticia de «EE. UU. y Venezuela» diga «strike» o «ataque» o «bombardeio».\n` +
        `**2.** <#${ALERT_CHANNEL}> · Alerta cuando 4 medios publiquen la misma noticia de «Integración regional» en 3 horas.\n` +
        'Zona horaria: UTC. Horas de silencio: ninguna; lo que surja en ellas sale al terminar. Como máximo 4 alertas por hora por canal; las demás esperan o van al resumen.',
    );

    const rules = await h.ctx.store.alerts.allRules();
    const [planned] = alertDestinations([], rules, [], []);
    expect(planned?.name).toBe(`server-${GUILD_ID}-${ALERT_CHANNEL}`);
    expect(planned?.destination).toEqual({ channelId: ALERT_CHANNEL });
    expect(planned?.policy.themes).toEqual(['regional-integration']);
    expect(planned?.policy.velocity.outlets).toBe(4);
    expect(planned?.policy.rules.map((rule) => [rule.theme, rule.minOutlets])).toEqual([['us-venezuela', 1]]);
    expect(planned?.settings.language).toBe('es');
  });

  it('removes a rule of its own server only, and says so plainly otherwise', async () => {
    const id = await h.ctx.store.alerts.addRule({ guildId: 'another-guild', theme: 'china-latam', terms: [], minOutlets: null, channelId: ALERT_CHANNEL, language: 'en', createdBy: 'x', createdAt: 0 });
    const foreign = await h.run('alerts', { subcommand: 'remove', options: { rule: id }, ...admin });
    expect(foreign.body.content).toBe(`Este servidor no tiene una regla ${id}. \`/alerts list\` muestra sus números.`);
    const removed = await h.run('alerts', { subcommand: 'remove', options: { rule: 1 }, ...admin });
    expect(removed.body.content).toBe('Regla 1 eliminada.');
    expect((await h.ctx.store.alerts.rulesForGuild(GUILD_ID)).map((rule) => rule.id)).toEqual([2]);
  });

  it('mutes the server for some hours (its alerts go to the digest meanwhile) and lifts it with 0', async () => {
    const muted = await h.run('alerts', { subcommand: 'mute', options: { hours: 6 }, ...admin });
    expect(muted.body.content).toMatch(/^Alertas en pausa hasta \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\); lo que surja mientras tanto irá al resumen\.$/);
    const [mute] = (await h.ctx.store.alerts.mutes()).filter((entry) => entry.guildId === GUILD_ID);
    expect((mute?.until ?? 0) - Date.now()).toBeGreaterThan(5.9 * 3_600_000);
    const planned = alertDestinations([], await h.ctx.store.alerts.allRules(), await h.ctx.store.alerts.mutes(), []).find((entry) => entry.name.includes(GUILD_ID));
    expect(planned?.settings.mutedUntil).toBe(mute?.until);
    expect((await h.run('alerts', { subcommand: 'list', ...admin })).body.content).toMatch(/\nEn pausa hasta .* \(UTC\)\.$/);
    const lifted = await h.run('alerts', { subcommand: 'mute', options: { hours: 0 }, ...admin });
    expect(lifted.body.content).toBe('Alertas reanudadas.');
  });

  it('sets the server’s time zone, quiet hours and hourly limit, which its alert destinations then follow', async () => {
    const shown = await h.run('alerts', { subcommand: 'settings', ...admin });
    expect(shown.body.content).toBe('Zona horaria: UTC. Horas de silencio: ninguna; lo que surja en ellas sale al terminar. Como máximo 4 alertas por hora por canal; las demás esperan o van al resumen.');

    const saved = await h.run('alerts', { subcommand: 'settings', options: { timezone: 'America/Caracas', quiet_hours: '22:30 - 07:00', per_hour: 1 }, ...admin });
    expect(saved.body.content).toBe(
      'Guardado. Zona horaria: America/Caracas. Horas de silencio: 22:30–07:00; lo que surja en ellas sale al terminar. Como máximo 1 alerta por hora por canal; las demás esperan o van al resumen.',
    );
    // One option changes that setting alone.
    const limit = await h.run('alerts', { subcommand: 'settings', options: { per_hour: 3 }, ...admin });
    expect(limit.body.content).toMatch(/^Guardado\. Zona horaria: America\/Caracas\. Horas de silencio: 22:30–07:00; .* Como máximo 3 alertas por hora/);

    const alerts = h.ctx.store.alerts;
    const planned = alertDestinations([], await alerts.allRules(), await alerts.mutes(), await alerts.allSettings()).find((entry) => entry.name.includes(GUILD_ID));
    expect(planned?.settings).toMatchObject({ timezone: 'America/Caracas', quietHours: { from: 22 * 60 + 30, to: 7 * 60 }, maxPerHour: 3 });
    // Another server's channels keep the defaults.
    await alerts.addRule({ guildId: 'another-guild', theme: 'china-latam', terms: [], minOutlets: null, channelId: ALERT_CHANNEL, language: 'en', createdBy: 'x', createdAt: 0 });
    const other = alertDestinations([], await alerts.allRules(), [], await alerts.allSettings()).find((entry) => entry.name.includes('another-guild'));
    expect(other?.settings).toMatchObject({ timezone: 'UTC', quietHours: undefined, maxPerHour: 4 });

    // A mute is told in the server's time zone: Caracas is UTC−4 all year.
    const muted = await h.run('alerts', { subcommand: 'mute', options: { hours: 2 }, ...admin });
    const [mute] = (await alerts.mutes()).filter((entry) => entry.guildId === GUILD_ID);
    const caracas = new Date((mute?.until ?? 0) - 4 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(muted.body.content).toBe(`Alertas en pausa hasta ${caracas} (America/Caracas); lo que surja mientras tanto irá al resumen.`);
    await h.run('alerts', { subcommand: 'mute', options: { hours: 0 }, ...admin });

    const off = await h.run('alerts', { subcommand: 'settings', options: { quiet_hours: 'OFF' }, ...admin });
    expect(off.body.content).toMatch(/Horas de silencio: ninguna;/);
    expect((await alerts.allSettings()).find((entry) => entry.guildId === GUILD_ID)?.quietHours).toBeNull();
    await h.run('alerts', { subcommand: 'settings', options: { timezone: 'UTC', per_hour: 4 }, ...admin });
  });

  it('refuses a time zone it does not know and quiet hours it cannot read, in one plain sentence', async () => {
    const zone = await h.run('alerts', { subcommand: 'settings', options: { timezone: 'America/Atlantis' }, ...admin });
    expect(zone.body.content).toBe('Give a time zone such as America/Caracas, America/Sao_Paulo or UTC.');
    const hours = await h.run('alerts', { subcommand: 'settings', options: { quiet_hours: '10pm to 7am' }, ...admin });
    expect(hours.body.content).toBe('Give quiet hours as HH:MM-HH:MM in the server’s time zone (e.g. 22:00-07:00), or `off`.');
    const same = await h.run('alerts', { subcommand: 'settings', options: { quiet_hours: '07:00-07:00' }, ...admin });
    expect(same.body.content).toBe('Quiet hours must start and end at different times; to pause alerts, use /alerts mute.');
    const many = await h.run('alerts', { subcommand: 'settings', options: { per_hour: 61 }, ...admin });
    expect(many.body.content).toBe('Give alerts per hour as a whole number from 1 to 60.');
  });

  it('refuses people without Manage Server, and bad terms, in one plain sentence', async () => {
    const member = await h.run('alerts', { subcommand: 'list', userId: freshUser() });
    expect(member.ephemeral).toBe(true);
    expect(member.body.content).toMatch(/Manage Server/);
    const blank = await h.run('alerts', { subcommand: 'add', options: { theme: 'us-venezuela', channel: ALERT_CHANNEL, terms: ' , ;' }, ...admin });
    expect(blank.body.content).toBe('Each term needs a letter or digit.');
    const empty = await h.run('alerts', { subcommand: 'add', options: { theme: 'us-venezuela', channel: ALERT_CHANNEL, terms: ' , ' }, ...admin });
    expect(empty.body.content).toBe('Type at least one word to look for, or leave `terms` out to alert on how fast the theme spreads.');
  });

  it('reads the server’s language from its Discord locale', () => {
    expect([serverLanguage('es-419'), serverLanguage('pt-BR'), serverLanguage('en-US'), serverLanguage('fr'), serverLanguage(null)]).toEqual(['es', 'pt', 'en', 'en', 'en']);
  });
});
