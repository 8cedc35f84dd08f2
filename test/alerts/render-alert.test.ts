import { describe, expect, it } from 'vitest';
import type { AlertReason } from '../../src/alerts/alert-types.js';
import { alertStories } from '../../src/alerts/decide-alerts.js';
import { digestAlertMarker, renderAlert, renderAlertEdit } from '../../src/alerts/render-alert.js';
import { messageViolations } from '../../src/digest/split-messages.js';
import { alertItem, HOUR, MINUTE, NOW } from './fixtures.js';

const TITLE = 'EE. UU. ataca una lancha frente a la costa de Venezuela';

function strikeStory(outlets: string[]) {
  const items = outlets.map((outlet, index) =>
    alertItem(TITLE, outlet, {
      url: `https://${outlet.toLowerCase().replace(/\W/g, '')}.example/lancha`,
      language: index === 1 ? 'en' : 'es',
      themes: { 'us-venezuela': 0.9, 'security-crime': 0.5 },
    }),
  );
  const [story] = alertStories(items);
  if (!story) throw new Error('expected one story');
  return story.story;
}

const VELOCITY: AlertReason = { kind: 'velocity', outlets: 3, spanMs: 2 * HOUR, theme: 'us-venezuela' };
const RULE: AlertReason = { kind: 'rule', theme: 'us-venezuela', term: 'ataque', outlet: 'El Nacional' };

describe('the alert message', () => {
  it('says what happened, who reports it, where to read it, why it alerted and on which themes', () => {
    const body = renderAlert({ story: strikeStory(['El Nacional', 'Reuters', 'Efecto Cocuyo']), reasons: [VELOCITY, RULE], language: 'es', timezone: 'America/Caracas' });
    expect(body.content.split('\n')).toEqual([
      '🚨 **Alerta · EE. UU. y Venezuela**',
      '**[EE. UU. ataca una lancha frente a la costa de Venezuela](https://elnacional.example/lancha)**',
      'El Nacional · es/en · +2 medios: Reuters, Efecto Cocuyo',
      '**Por qué:** 3 medios en 2 h · regla «ataque» (El Nacional)',
      '**Temas:** EE. UU. y Venezuela · Seguridad y crimen organizado',
    ]);
    expect(body.embeds).toEqual([]);
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it.each([
    ['pt', { ...VELOCITY, spanMs: 40 * MINUTE }, '**Por quê:** 3 veículos em 40 min'],
    ['en', { ...VELOCITY, spanMs: 150 * MINUTE }, '**Why:** 3 outlets in 2.5 h'],
    ['es', { ...VELOCITY, spanMs: 150 * MINUTE }, '**Por qué:** 3 medios en 2,5 h'],
    ['es', { ...VELOCITY, spanMs: 0 }, '**Por qué:** 3 medios a la vez'],
    ['en', { kind: 'rule', theme: 'regional-integration', term: 'suspende', entity: 'Mercosur', outlet: 'Agência Sul' }, '**Why:** rule «suspende» with «Mercosur» (Agência Sul)'],
    ['es', { kind: 'importance', score: 0.9, threshold: 0.8, fact: 'EE. UU. hundió una lancha; 3 muertos' }, '**Por qué:** importancia 0,9: «EE. UU. hundió una lancha; 3 muertos»'],
  ] as const)('explains the reason in %s: %j', (language, reason, line) => {
    const body = renderAlert({ story: strikeStory(['A', 'B', 'C']), reasons: [reason], language, timezone: 'UTC' });
    expect(body.content.split('\n')).toContain(line);
  });

  it('quotes what comes from outside without letting it format, link or mention', () => {
    const reason: AlertReason = { kind: 'importance', score: 1, threshold: 0.8, fact: '@everyone [click](https://evil.example) **now**' };
    const body = renderAlert({ story: strikeStory(['A']), reasons: [reason], language: 'en', timezone: 'UTC' });
    expect(body.content).toContain('«@everyone \\[click\\](https://evil.example) \\*\\*now\\*\\*»');
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('fits Discord\'s limits whatever the story', () => {
    const outlets = Array.from({ length: 30 }, (_, index) => `${'Outlet '.repeat(20)}${index}`);
    const reasons: AlertReason[] = Array.from({ length: 20 }, () => ({ kind: 'rule', theme: 'us-venezuela', term: 'x'.repeat(500), outlet: 'y'.repeat(500) }));
    const body = renderAlert({ story: strikeStory(outlets), reasons, language: 'es', timezone: 'UTC' });
    expect(messageViolations(body)).toEqual([]);
  });

  it('is edited, not posted again, when more outlets join: the same message with every outlet and how many joined', () => {
    const body = renderAlertEdit({
      story: strikeStory(['El Nacional', 'Reuters', 'Efecto Cocuyo', 'Infobae', 'BBC Mundo', 'France 24', 'El País']),
      reasons: [VELOCITY],
      language: 'es',
      timezone: 'America/Caracas',
      joined: 4,
      alertedAt: NOW,
    });
    const lines = body.content.split('\n');
    expect(lines[2]).toBe('El Nacional · es/en · +6 medios: Reuters, Efecto Cocuyo, Infobae, BBC Mundo, France 24, El País');
    expect(lines.at(-1)).toBe('**Actualización:** +4 medios desde la alerta (08:00)');
  });
});

describe('the digest\'s marker for a story that alerted or was held back', () => {
  it.each([
    [{ kind: 'alerted', at: NOW }, 'es', 'America/Caracas', '⚡ alertada a las 08:00'],
    [{ kind: 'alerted', at: NOW }, 'pt', 'America/Sao_Paulo', '⚡ alerta às 09:00'],
    [{ kind: 'alerted', at: NOW }, 'en', 'UTC', '⚡ alerted at 12:00'],
    [{ kind: 'held', because: 'rate' }, 'es', 'UTC', '⏸ sin alerta: límite por hora'],
    [{ kind: 'held', because: 'quiet' }, 'pt', 'UTC', '⏸ sem alerta: horário de silêncio'],
    [{ kind: 'held', because: 'muted' }, 'en', 'UTC', '⏸ no alert: alerts paused'],
  ] as const)('%j in %s (%s): %s', (state, language, zone, expected) => {
    expect(digestAlertMarker(state, language, zone)).toBe(expected);
  });
});
