import { describe, expect, it } from 'vitest';
import type { AlertItem, AlertedStory } from '../../src/alerts/alert-types.js';
import { alertStories } from '../../src/alerts/decide-alerts.js';
import { planAlerts, type AlertAction } from '../../src/alerts/plan-alerts.js';
import { alertDestinationSchema } from '../../src/config/config-schema.js';
import { alertItem, HOUR, MINUTE, NOW, policy, toldBy } from './fixtures.js';

const HEADLINES = [
  'EE. UU. ataca una lancha frente a la costa de Venezuela',
  'Mercosur suspende a Venezuela por ruptura del orden democrático',
  'China y Brasil firman un acuerdo de swap de 30.000 millones',
  'Colombia cierra la frontera con Venezuela en Cúcuta',
  'Petro y Bukele rompen relaciones diplomáticas',
  'Argentina abandona el Mercosur según anuncio de Milei',
];

function destination(config: Record<string, unknown> = {}) {
  return alertDestinationSchema.parse({ name: 'urgent', language: 'en', ...config });
}

/** One cycle for the destination, and the records as the wiring would keep them. */
function cycle(items: AlertItem[], alerted: AlertedStory[], now: number, config: Record<string, unknown> = {}, handOffAt?: number) {
  const actions = planAlerts({ destination: destination(config), policy: policy(config), stories: alertStories(items), alerted, now, handOffAt });
  const kept = new Map(alerted.map((record) => [record.alertId, record]));
  for (const action of actions) kept.set(action.alertId, action.record);
  return { actions, alerted: [...kept.values()] };
}

const kinds = (actions: AlertAction[]) => actions.map((action) => `${action.kind}${action.kind === 'wait' ? ` until +${(action.until - NOW) / MINUTE} min` : ''}`);

describe('a destination\'s alerts, cycle by cycle', () => {
  it('posts a story the moment it qualifies, rendered in the destination\'s language', () => {
    const { actions } = cycle(toldBy(HEADLINES[0] as string, ['A', 'B', 'C']), [], NOW);
    expect(kinds(actions)).toEqual(['post']);
    const [post] = actions;
    expect(post?.kind === 'post' && post.body.content).toContain('**Why:** 3 outlets at once');
    expect(post?.record).toMatchObject({ state: 'sent', outlets: ['A', 'B', 'C'], outletsAtAlert: 3, decidedAt: NOW, sentAt: NOW });
  });

  it('holds what is over the hourly limit and sends it when its slot comes, never twice', () => {
    const items = HEADLINES.flatMap((headline, index) => toldBy(headline, ['A', 'B', 'C'], { publishedAt: NOW - 10 * MINUTE, themes: { 'us-venezuela': 0.9 - index / 100 } }));
    const first = cycle(items, [], NOW);
    expect(kinds(first.actions)).toEqual(['post', 'post', 'post', 'post', 'wait until +60 min', 'wait until +60 min']);
    const between = cycle(items, first.alerted, NOW + 30 * MINUTE);
    expect(kinds(between.actions)).toEqual([]);
    const later = cycle(items, between.alerted, NOW + HOUR);
    expect(kinds(later.actions)).toEqual(['post', 'post']);
    expect(later.alerted.map((record) => record.state)).toEqual(Array(6).fill('sent'));
    expect(kinds(cycle(items, later.alerted, NOW + HOUR + 5 * MINUTE).actions)).toEqual([]);
  });

  it('edits a posted alert as outlets join, saying how many joined since it went out', () => {
    const items = toldBy(HEADLINES[0] as string, ['A', 'B', 'C']);
    const first = cycle(items, [], NOW);
    const more = [...items, ...toldBy(HEADLINES[0] as string, ['D', 'E'], { publishedAt: NOW })];
    const second = cycle(more, first.alerted, NOW + 10 * MINUTE);
    expect(kinds(second.actions)).toEqual(['edit']);
    const [edit] = second.actions;
    expect(edit?.kind === 'edit' && edit.body.content.split('\n').at(-1)).toBe('**Update:** +2 outlets since the alert (12:00)');
    const third = cycle([...more, alertItem(HEADLINES[0] as string, 'F', { publishedAt: NOW })], second.alerted, NOW + 20 * MINUTE);
    const [again] = third.actions;
    expect(again?.kind === 'edit' && again.body.content.split('\n').at(-1)).toBe('**Update:** +3 outlets since the alert (12:00)');
    expect(kinds(cycle([...more, alertItem(HEADLINES[0] as string, 'F', { publishedAt: NOW })], third.alerted, NOW + 30 * MINUTE).actions)).toEqual([]);
  });

  it('updates a waiting alert\'s record when outlets join, and posts it with all of them', () => {
    const config = { maxPerHour: 1 };
    const before = [...toldBy(HEADLINES[0] as string, ['A', 'B', 'C']), ...toldBy(HEADLINES[1] as string, ['A', 'B', 'C'], { themes: { 'us-venezuela': 0.8 } })];
    const first = cycle(before, [], NOW, config);
    expect(kinds(first.actions)).toEqual(['post', 'wait until +60 min']);
    const items = [...before, alertItem(HEADLINES[1] as string, 'D', { publishedAt: NOW, themes: { 'us-venezuela': 0.8 } })];
    const second = cycle(items, first.alerted, NOW + 10 * MINUTE, config);
    expect(kinds(second.actions)).toEqual(['update']);
    const third = cycle(items, second.alerted, NOW + HOUR, config);
    const [post] = third.actions;
    expect(post?.kind === 'post' && post.body.content).toContain('+3 outlets: B, C, D');
    expect(post?.kind === 'post' && post.body.content).toContain(HEADLINES[1]);
    expect(post?.record).toMatchObject({ state: 'sent', outletsAtAlert: 4 });
  });

  it('hands to the digest what cannot go before it, or while muted, and never decides that story again', () => {
    const items = toldBy(HEADLINES[0] as string, ['A', 'B', 'C']);
    const muted = cycle(items, [], NOW, { mutedUntil: new Date(NOW + HOUR).toISOString() });
    expect(muted.actions).toMatchObject([{ kind: 'to-digest', because: 'muted', record: { state: 'to-digest' } }]);
    expect(kinds(cycle([...items, alertItem(HEADLINES[0] as string, 'D', { publishedAt: NOW })], muted.alerted, NOW + 2 * HOUR).actions)).toEqual([]);
    const night = cycle(items, [], NOW, { quietHours: { from: '11:00', to: '14:00' } }, NOW + HOUR);
    expect(night.actions).toMatchObject([{ kind: 'to-digest', because: 'quiet' }]);
  });
});
