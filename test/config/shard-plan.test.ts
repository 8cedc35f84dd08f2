import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseTarget } from '../../src/config/database-target.js';
import { loadConfig } from '../../src/config/load-config.js';
import { registersCommands, shardPlan } from '../../src/config/shard-plan.js';

const PG = databaseTarget('postgres://sancocho@db/sancocho');
const SQLITE = databaseTarget('data/sancocho.db');

describe('which gateway shards a process runs', () => {
  it.each([
    ['no sharding configured', undefined, undefined, PG, undefined],
    ['every shard of a count', 4, undefined, SQLITE, { count: 4, ids: 'all' }],
    ['Discord’s recommended count, every shard', 'auto', undefined, SQLITE, { count: 'auto', ids: 'all' }],
    ['some shards, on PostgreSQL', 4, ' 3, 1 ', PG, { count: 4, ids: [1, 3] }],
    ['all the ids, even on SQLite', 2, '1,0', SQLITE, { count: 2, ids: 'all' }],
  ] as const)('%s', (_, count, picked, database, expected) => {
    expect(shardPlan(count, picked, database)).toEqual(expected);
  });

  it.each([
    ['ids without a count', undefined, '0', PG, /set `discord: \{ shards: <count> \}`/],
    ['ids of an `auto` count', 'auto', '0', PG, /needs `discord.shards` to be a number/],
    ['an id past the count', 2, '0,2', PG, /shard 2 does not exist; with discord.shards: 2 the ids are 0 to 1/],
    ['not a list of ids', 2, 'zero', PG, /must be shard ids separated by commas, e.g. 0,1 \(got "zero"\)/],
    ['a subset on SQLite, where one process runs everything', 2, '1', SQLITE, /with SQLite only one process may run, and it runs all 2 shards/],
  ] as const)('refuses %s', (_, count, picked, database, message) => {
    expect(() => shardPlan(count, picked, database)).toThrow(message);
  });
});

describe('which bot worker registers the slash commands', () => {
  it.each([
    ['no sharding', undefined, true],
    ['every shard', { count: 4, ids: 'all' }, true],
    ['Discord’s count, every shard', { count: 'auto', ids: 'all' }, true],
    ['the worker running shard 0', { count: 4, ids: [0, 2] }, true],
    ['a worker without shard 0: another registers them', { count: 4, ids: [1, 3] }, false],
  ] as const)('%s', (_, plan, expected) => {
    expect(registersCommands(plan === undefined ? undefined : { count: plan.count, ids: plan.ids === 'all' ? 'all' : [...plan.ids] })).toBe(expected);
  });
});

describe('`discord.shards` in the config file, picked from by --shards or SANCOCHO_SHARDS', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sancocho-shards-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'sancocho.yaml');
  writeFileSync(file, 'feeds: []\ndiscord:\n  shards: 2\n');

  it('joins the file’s count with the ids, the flag over the variable', () => {
    const env = { SANCOCHO_CONFIG: file, SANCOCHO_DATABASE_URL: 'postgres://sancocho@db/sancocho', SANCOCHO_SHARDS: '0' };
    expect(loadConfig(env).discord.shards).toEqual({ count: 2, ids: [0] });
    expect(loadConfig(env, { shards: '1' }).discord.shards).toEqual({ count: 2, ids: [1] });
  });

  it('refuses a subset on the SQLite file', () => {
    expect(() => loadConfig({ SANCOCHO_CONFIG: file }, { shards: '1' })).toThrow(/splitting shards between bot workers needs PostgreSQL/);
    expect(loadConfig({ SANCOCHO_CONFIG: file }).discord.shards).toEqual({ count: 2, ids: 'all' });
  });
});
