import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/config-schema.js';
import { formatZodError } from '../../src/config/format-zod-error.js';
import { THEME_IDS } from '../../src/core/themes.js';

const LLM = 'llm: { model: small }\n';

function load(yaml: string) {
  return configSchema.safeParse(parse(`feeds: []\n${yaml}`));
}

function problems(yaml: string): string {
  const result = load(yaml);
  if (result.success) throw new Error('expected the config to be refused');
  return formatZodError('sancocho.yaml', result.error);
}

describe('alerts in the config file', () => {
  it('are optional: no alerts key, no alerts', () => {
    const result = load('');
    expect(result.success && result.data.alerts).toEqual([]);
  });

  it('fill the defaults: every theme, 3 outlets within 3 hours, 4 per hour, no rules, quiet hours or mute', () => {
    const result = load('alerts:\n  - name: urgent\n');
    expect(result.success).toBe(true);
    expect(result.success && result.data.alerts[0]).toEqual({
      name: 'urgent',
      timezone: 'UTC',
      language: 'es',
      themes: [...THEME_IDS],
      velocity: { outlets: 3, withinHours: 3 },
      rules: [],
      maxPerHour: 4,
    });
  });

  it('read a full destination: rules with terms and entities, quiet hours in minutes, the mute as a time', () => {
    const result = load(`${LLM}alerts:
  - name: venezuela
    destination: { channelId: "123456789012345678" }
    timezone: America/Caracas
    language: pt
    themes: [us-venezuela, venezuela-crisis]
    velocity: { outlets: 4, withinHours: 2 }
    rules:
      - { theme: us-venezuela, any: [strike, ataque, bombardeio] }
      - { theme: regional-integration, any: [suspende, suspensão], entities: [Mercosur], minOutlets: 2 }
    importance: 0.8
    maxPerHour: 2
    quietHours: { from: "23:00", to: "07:30" }
    mutedUntil: "2026-12-01T08:00:00-04:00"
`);
    expect(result.success).toBe(true);
    if (!result.success) return;
    const [alert] = result.data.alerts;
    expect(alert).toMatchObject({
      velocity: { outlets: 4, withinHours: 2 },
      rules: [
        { theme: 'us-venezuela', any: ['strike', 'ataque', 'bombardeio'], minOutlets: 1 },
        { theme: 'regional-integration', any: ['suspende', 'suspensão'], entities: ['Mercosur'], minOutlets: 2 },
      ],
      importance: 0.8,
      maxPerHour: 2,
      quietHours: { from: 23 * 60, to: 7 * 60 + 30 },
      mutedUntil: Date.parse('2026-12-01T12:00:00Z'),
    });
  });

  it.each([
    ['an unknown theme', 'alerts:\n  - { name: a, themes: [football] }\n', 'alerts.0.themes.0: unknown theme id "football"; the ids are regional-integration'],
    ['a rule without terms', 'alerts:\n  - { name: a, rules: [{ theme: us-venezuela }] }\n', 'alerts.0.rules.0.any: must be a list of words or phrases'],
    ['a rule with an empty list of terms', 'alerts:\n  - { name: a, rules: [{ theme: us-venezuela, any: [] }] }\n', 'alerts.0.rules.0.any: list at least one term'],
    ['a term that is only punctuation', 'alerts:\n  - { name: a, rules: [{ theme: us-venezuela, any: ["!!"] }] }\n', 'alerts.0.rules.0.any.0: must contain a letter or digit'],
    ['a rule for an unknown theme', 'alerts:\n  - { name: a, rules: [{ theme: sport, any: [gol] }] }\n', 'alerts.0.rules.0.theme: unknown theme id "sport"'],
    ['velocity of one outlet', 'alerts:\n  - { name: a, velocity: { outlets: 1 } }\n', 'alerts.0.velocity.outlets: must be at least 2 (one outlet is not velocity; use a rule)'],
    ['a velocity window of days', 'alerts:\n  - { name: a, velocity: { withinHours: 72 } }\n', "alerts.0.velocity.withinHours: must be at most 48 hours (older news is the digest's)"],
    ['a misspelt key', 'alerts:\n  - { name: a, maxPerHours: 3 }\n', 'alerts.0: Unrecognized key: "maxPerHours"'],
    ['no alerts per hour', 'alerts:\n  - { name: a, maxPerHour: 0 }\n', 'alerts.0.maxPerHour'],
    ['quiet hours written as numbers', 'alerts:\n  - { name: a, quietHours: { from: 23, to: 7 } }\n', 'alerts.0.quietHours.from: must be a time of day in quotes, as HH:MM'],
    ['quiet hours past midnight', 'alerts:\n  - { name: a, quietHours: { from: "23:00", to: "24:30" } }\n', 'alerts.0.quietHours.to: must be a time of day as HH:MM, from 00:00 to 23:59'],
    ['quiet hours that end when they start', 'alerts:\n  - { name: a, quietHours: { from: "07:00", to: "07:00" } }\n', 'alerts.0.quietHours: from and to must differ'],
    ['a mute without a zone', 'alerts:\n  - { name: a, mutedUntil: "2026-12-01T08:00:00" }\n', 'alerts.0.mutedUntil: must be a date and time with a zone'],
    ['an unknown time zone', 'alerts:\n  - { name: a, timezone: Caracas }\n', 'alerts.0.timezone: unknown IANA time zone "Caracas"'],
    ['a name listed twice', 'alerts:\n  - { name: a }\n  - { name: a }\n', 'alerts.1.name: alert destination "a" is listed twice'],
    ['an importance above 1', `${LLM}alerts:\n  - { name: a, importance: 8 }\n`, 'alerts.0.importance: must be between 0 and 1'],
    ['an importance threshold without an llm section', 'alerts:\n  - { name: a, importance: 0.8 }\n', 'alerts.0.importance: needs an `llm` section'],
    ['a channel id written as a number', 'alerts:\n  - { name: a, destination: { channelId: 123456789012345678 } }\n', 'alerts.0.destination.channelId: write the channel id in quotes'],
  ])('refuse %s with a line naming the key', (_case, yaml, expected) => {
    expect(problems(yaml)).toContain(`sancocho.yaml: ${expected}`);
  });
});

describe('the sample config file', () => {
  it('holds an alerts example that is valid once uncommented', () => {
    const text = readFileSync(new URL('../../config/sancocho.yaml', import.meta.url), 'utf8');
    const example = text.slice(text.indexOf('# alerts:')).replace(/^# ?/gm, '');
    const result = configSchema.safeParse(parse(`feeds: []\n${example}`));
    expect(result.success && result.data.alerts.map((alert) => alert.name)).toEqual(['venezuela']);
  });
});
