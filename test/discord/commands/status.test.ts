import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/ops/status-report.js';
import { newsDay, seedItems } from '../../digest/seed-store.js';
import { ADMIN_USER_ID, CHANNEL_ID, FORBIDDEN_CHANNEL_ID, GUILD_ID, MANAGER_PERMISSIONS } from '../../peers/fake-discord.js';
import { cli } from '../cli-helpers.js';
import { startHarness, type Harness } from './harness.js';

const admin = { userId: ADMIN_USER_ID, permissions: MANAGER_PERMISSIONS };
const OTHER_GUILD = '888888888888888888';
const REFUSAL = `channel ${FORBIDDEN_CHANNEL_ID}: missing access: invite the bot to the server and let it see the channel [403 Missing Access (code 50001)]`;

/**
 * A destination Discord refused shows where people look: `/status` for a server's admins, and
 * `sancocho status` (table and JSON) for the operator, each with every schedule's last digest.
 */
describe('a refused destination in /status and `sancocho status`', () => {
  let h: Harness;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const digests = [
    { name: 'daily', cron: '0 8 * * *', window: '24h', destination: { channelId: CHANNEL_ID } },
    { name: 'locked', cron: '0 6 * * *', window: '24h', destination: { channelId: FORBIDDEN_CHANNEL_ID } },
  ];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sancocho-status-'));
    const database = path.join(dir, 'sancocho.db');
    writeFileSync(path.join(dir, 'sancocho.yaml'), `database: ${JSON.stringify(database)}\nfeeds: []\ndigests:\n${digests.map((d) => `  - ${JSON.stringify(d)}\n`).join('')}`);
    env = { SANCOCHO_CONFIG: path.join(dir, 'sancocho.yaml') };
    h = await startHarness({ database, digests });
    await seedItems(h.ctx.store, newsDay(Date.now()));
    // Another server's subscription: its admins' business, not this server's.
    await h.ctx.store.routes.add({ guildId: OTHER_GUILD, theme: 'china-latam', channelId: '999999999999999999' }, ADMIN_USER_ID, Date.now());
    for (const schedule of h.ctx.config.digests) await h.runtime.runner.run(schedule, { trigger: 'manual' });
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('/status tells an admin, privately and in plain text, which destination Discord refuses and why', async () => {
    const answer = await h.run('status', admin);
    expect(answer.ephemeral).toBe(true);
    const lines = String(answer.body.content).split('\n');
    expect(lines).toContain(`• ⚠️ <#${FORBIDDEN_CHANNEL_ID}> (locked): REFUSED <t:${lines.join('').match(/REFUSED <t:(\d+):R>/)?.[1]}:R>: ${REFUSAL.replace(/[[\]]/g, '\\$&')}`);
    expect(lines.find((line) => line.includes(`<#${CHANNEL_ID}>`))).toMatch(new RegExp(`^• <#${CHANNEL_ID}> \\(daily\\): ok, last message accepted <t:\\d+:R>$`));
    expect(lines.find((line) => line.startsWith('• **daily**'))).toMatch(/^• \*\*daily\*\* \(`0 8 \* \* \*`, UTC\): sent <t:\d+:R>: 1 message, 5 stories$/);
    expect(lines.find((line) => line.startsWith('• **locked**'))).toContain('failed <t:');
    expect(answer.body.content).not.toContain('999999999999999999');
    expect(answer.body.content.length).toBeLessThanOrEqual(2000);
  });

  it('/status is for Manage Server only, and registered so', async () => {
    const answer = await h.run('status', { userId: '777777777777777771' });
    expect(answer).toMatchObject({ ephemeral: true, body: { content: 'You need the Manage Server permission to use /status.' } });
    const registered = h.fake.commands.guilds.get(GUILD_ID)?.find((c) => c.name === 'status');
    expect(registered).toMatchObject({ default_member_permissions: '32', contexts: [0] });
  });

  it('`sancocho status` lists every schedule and destination with its last outcome', async () => {
    const table = await cli(['status'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Feeds\nfeed +status +last success +next poll +last outcome\n/);
    expect(table.stdout).toMatch(/\nBBC Mundo +active +never +due now +not polled yet\n/);
    expect(table.stdout).toMatch(/daily +0 8 \* \* \* +UTC +channel 444444444444444444 +sent \d+s ago: 1 message, 5 stories/);
    expect(table.stdout).toMatch(/locked +0 6 \* \* \* +UTC +channel 555555555555555555 +failed \d+s ago: channel 555555555555555555: missing access/);
    expect(table.stdout).toMatch(/channel 555555555555555555 +locked +REFUSED \d+s ago: channel 555555555555555555: missing access/);
    // The operator sees every server's subscriptions; that channel does not exist.
    expect(table.stdout).toMatch(/channel 999999999999999999 +\/subscribe china-latam +REFUSED \d+s ago: channel 999999999999999999: unknown channel/);
    // The LLM's state closes the report: here none is configured.
    expect(table.stdout.trimEnd().split('\n').at(-1)).toBe('LLM: not configured; the offline classifier labels every item.');

    const json = JSON.parse((await cli(['status', '--json'], env)).stdout) as StatusReport;
    expect(json.destinations.find((d) => d.key === `channel:${FORBIDDEN_CHANNEL_ID}`)).toEqual({
      key: `channel:${FORBIDDEN_CHANNEL_ID}`,
      label: `channel ${FORBIDDEN_CHANNEL_ID}`,
      usedBy: ['locked'],
      last: { kind: 'refused', at: expect.any(Number), reason: REFUSAL },
    });
    expect((json as StatusReport & { llm: unknown }).llm).toEqual({ kind: 'offline-only' });
    expect(json.schedules.map((s) => [s.name, s.last.kind])).toEqual([
      ['daily', 'sent'],
      ['locked', 'failed'],
    ]);
  });
});
