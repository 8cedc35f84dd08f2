import { describe, expect, it } from 'vitest';
import type { AlertItem, AlertedStory } from '../../src/alerts/alert-types.js';
import { alertStories, decideAlerts } from '../../src/alerts/decide-alerts.js';
import { alertItem, HOUR, MINUTE, NOW, policy, toldBy } from './fixtures.js';

const STRIKE = 'EE. UU. ataca una lancha frente a la costa de Venezuela';
const RULES = { rules: [{ theme: 'us-venezuela', any: ['ataque', 'bombardeio', 'strike'] }] };

function decide(items: AlertItem[], config: Record<string, unknown> = {}, alerted: AlertedStory[] = []) {
  return decideAlerts({ stories: alertStories(items), policy: policy(config), alerted, now: NOW });
}

/** The decisions as `kind reason…`: what a person reading the log would want to know. */
function summary(items: AlertItem[], config: Record<string, unknown> = {}, alerted: AlertedStory[] = []): string[] {
  return decide(items, config, alerted).map((decision) =>
    decision.kind === 'edit'
      ? `edit +${decision.added.join(', ')}`
      : `new ${decision.reasons
          .map((reason) =>
            reason.kind === 'velocity' ? `velocity ${reason.outlets} outlets on ${reason.theme}` : reason.kind === 'rule' ? `rule ${reason.theme} "${reason.term}"${reason.entity ? ` with "${reason.entity}"` : ''} at ${reason.outlet}` : `importance ${reason.score}: ${reason.fact}`,
          )
          .join('; ')}`,
  );
}

describe('when a story alerts: velocity', () => {
  it.each([
    ['three outlets within three hours', toldBy(STRIKE, ['A', 'B', 'C']), {}, ['new velocity 3 outlets on us-venezuela']],
    ['three items from two outlets (outlets are counted, not items)', toldBy(STRIKE, ['A', 'B', 'B']), {}, []],
    ['two recent outlets and one from five hours ago', [...toldBy(STRIKE, ['A', 'B']), alertItem(STRIKE, 'C', { publishedAt: NOW - 5 * HOUR })], {}, []],
    ['three outlets, but on a theme the destination did not ask for', toldBy(STRIKE, ['A', 'B', 'C']), { themes: ['trade-tariffs'] }, []],
    ['three outlets of yesterday (news from before an outage)', toldBy(STRIKE, ['A', 'B', 'C'], { publishedAt: NOW - 20 * HOUR }), {}, []],
    ['a third outlet that is a new feed\'s backlog', [...toldBy(STRIKE, ['A', 'B']), alertItem(STRIKE, 'C', { backlog: true })], {}, []],
    ['four outlets when the destination wants five', toldBy(STRIKE, ['A', 'B', 'C', 'D']), { velocity: { outlets: 5 } }, []],
    ['two outlets when the destination wants two within an hour', toldBy(STRIKE, ['A', 'B'], { publishedAt: NOW - 30 * MINUTE }), { velocity: { outlets: 2, withinHours: 1 } }, ['new velocity 2 outlets on us-venezuela']],
    ['an undated item, taken at the time it arrived', [...toldBy(STRIKE, ['A', 'B']), alertItem(STRIKE, 'C', { publishedAt: Number.NaN, reachedAt: NOW - MINUTE })], {}, ['new velocity 3 outlets on us-venezuela']],
  ])('%s', (_case, items, config, expected) => {
    expect(summary(items, config)).toEqual(expected);
  });

  it('names the destination theme the story is most about, and the span from the first outlet to the last', () => {
    const items = [
      alertItem(STRIKE, 'A', { publishedAt: NOW - 2 * HOUR, themes: { 'us-venezuela': 0.9, 'security-crime': 0.6 } }),
      alertItem(STRIKE, 'B', { publishedAt: NOW - HOUR }),
      alertItem(STRIKE, 'C', { publishedAt: NOW - 30 * MINUTE }),
    ];
    const [decision] = decide(items, { themes: ['security-crime', 'us-venezuela'] });
    expect(decision?.kind === 'new' && decision.reasons).toEqual([{ kind: 'velocity', outlets: 3, spanMs: 90 * MINUTE, theme: 'us-venezuela' }]);
  });
});

describe('when a story alerts: rules', () => {
  const one = (title: string, overrides: Partial<AlertItem> = {}) => [alertItem(title, 'El Nacional', overrides)];
  it.each([
    ['a term in the headline, inflected', one('Nuevos ataques de EE. UU. contra lanchas en el Caribe'), RULES, ['new rule us-venezuela "ataque" at El Nacional']],
    ['a term in another language of the list', one('Bombardeio dos EUA atinge lancha na costa venezuelana'), RULES, ['new rule us-venezuela "bombardeio" at El Nacional']],
    ['a term in the summary only', one('Tensión en el Caribe', { summary: 'Washington confirmó un strike contra una embarcación.' }), RULES, ['new rule us-venezuela "strike" at El Nacional']],
    ['a term with the accent left out', one('Mercosur anuncia la suspensión de Venezuela'), { rules: [{ theme: 'us-venezuela', any: ['suspension'] }] }, ['new rule us-venezuela "suspension" at El Nacional']],
    ['a term written with accents the text lacks', one('Mercosur anuncia la suspension de Venezuela'), { rules: [{ theme: 'us-venezuela', any: ['Suspensión'] }] }, ['new rule us-venezuela "Suspensión" at El Nacional']],
    ['a phrase, word after word', one('Gobierno decreta estado de conmoción externa'), { rules: [{ theme: 'us-venezuela', any: ['estado de conmoción'] }] }, ['new rule us-venezuela "estado de conmoción" at El Nacional']],
    ['a term inside another word (never)', one('Comparo las cifras de Venezuela'), { rules: [{ theme: 'us-venezuela', any: ['paro'] }] }, []],
    ['the words of a phrase apart (never)', one('El estado anuncia una conmoción'), { rules: [{ theme: 'us-venezuela', any: ['estado de conmoción'] }] }, []],
    ['a term on a story without the rule\'s theme', one('Ataque en la frontera', { themes: { 'security-crime': 0.8 } }), RULES, []],
    ['a term with the rule\'s entity', one('Mercosur suspende a Venezuela'), { rules: [{ theme: 'us-venezuela', any: ['suspende'], entities: ['Mercosur', 'Mercosul'] }] }, ['new rule us-venezuela "suspende" with "Mercosur" at El Nacional']],
    ['a term without any of the rule\'s entities', one('Venezuela suspende vuelos'), { rules: [{ theme: 'us-venezuela', any: ['suspende'], entities: ['Mercosur'] }] }, []],
    ['an entity written another way (EE. UU. / Estados Unidos)', one('Estados Unidos anuncia un ataque'), { rules: [{ theme: 'us-venezuela', any: ['ataque'], entities: ['EE. UU.'] }] }, ['new rule us-venezuela "ataque" with "EE. UU." at El Nacional']],
    ['one outlet when the rule wants two', one('Ataque a una lancha'), { rules: [{ theme: 'us-venezuela', any: ['ataque'], minOutlets: 2 }] }, []],
    ['a term in an item of last week', one('Ataque a una lancha', { publishedAt: NOW - 7 * 24 * HOUR }), RULES, []],
  ])('%s', (_case, items, config, expected) => {
    expect(summary(items, config)).toEqual(expected);
  });

  it('gives every reason a story has: velocity and each rule that matched', () => {
    const config = { rules: [...RULES.rules, { theme: 'us-venezuela', any: ['lancha'], minOutlets: 3 }] };
    expect(summary(toldBy('EE. UU. lanza un ataque contra una lancha', ['A', 'B', 'C']), config)).toEqual([
      'new velocity 3 outlets on us-venezuela; rule us-venezuela "ataque" at A; rule us-venezuela "lancha" at A',
    ]);
  });
});

describe('when a story alerts: the model\'s importance', () => {
  const LLM_POLICY = { importance: 0.8 };
  it.each([
    ['a score over the threshold, with the fact', { score: 0.9, fact: 'U.S. forces struck a vessel' }, ['new importance 0.9: U.S. forces struck a vessel']],
    ['a score at the threshold', { score: 0.8, fact: 'Mercosur suspended a member' }, ['new importance 0.8: Mercosur suspended a member']],
    ['a score under it', { score: 0.79, fact: 'a minister spoke' }, []],
    ['a high score naming no fact (not grounded)', { score: 1, fact: '  ' }, []],
  ])('%s', (_case, importance, expected) => {
    expect(summary([alertItem('Lancha atacada en el Caribe', 'A', { importance })], LLM_POLICY)).toEqual(expected);
  });
});

describe('one alert per story, edited as outlets join', () => {
  const items = toldBy(STRIKE, ['A', 'B', 'C', 'D', 'E']);
  const record = (itemIds: number[], outlets: string[]): AlertedStory => ({
    alertId: 'alert:urgent:1',
    itemIds,
    outlets,
    outletsAtAlert: outlets.length,
    reasons: [{ kind: 'velocity', outlets: outlets.length, spanMs: 0, theme: 'us-venezuela' }],
    state: 'sent',
    decidedAt: NOW - HOUR,
    sentAt: NOW - HOUR,
  });

  it('edits the alert when outlets joined since, naming them', () => {
    const alerted = [record(items.slice(0, 3).map((item) => item.id), ['A', 'B', 'C'])];
    expect(summary(items, {}, alerted)).toEqual(['edit +D, E']);
    expect(decide(items, {}, alerted)[0]).toMatchObject({ kind: 'edit', alertId: 'alert:urgent:1' });
  });

  it('edits a waiting alert too (its queued text), and leaves a story handed to the digest alone', () => {
    const itemIds = items.slice(0, 3).map((item) => item.id);
    expect(summary(items, {}, [{ ...record(itemIds, ['A', 'B', 'C']), state: 'waiting' }])).toEqual(['edit +D, E']);
    expect(summary(items, {}, [{ ...record(itemIds, ['A', 'B', 'C']), state: 'to-digest' }])).toEqual([]);
  });

  it('does nothing when no outlet joined', () => {
    expect(summary(items, {}, [record(items.map((item) => item.id), ['A', 'B', 'C', 'D', 'E'])])).toEqual([]);
  });

  it('never alerts a story twice, whatever new reason it has: it is the same story if it shares one item', () => {
    const later = [...items, alertItem(`${STRIKE}: ataque confirmado`, 'F')];
    expect(summary(later, RULES, [record([items[0]?.id as number], ['A'])])).toEqual(['edit +B, C, D, E, F']);
  });

  it('puts the most pressing new alerts first: a rule before velocity alone, then more outlets', () => {
    const velocity = toldBy('Mercosur y la UE firman el acuerdo comercial en Asunción', ['A', 'B', 'C', 'D']);
    const rule = [alertItem('Bombardeo contra una lancha frente a Venezuela', 'E')];
    const bigger = toldBy('China y Brasil acuerdan un swap de monedas de 30.000 millones', ['A', 'B', 'C', 'D', 'E'], { themes: { 'china-latam': 0.9 } });
    const decisions = decide([...velocity, ...rule, ...bigger], { rules: [{ theme: 'us-venezuela', any: ['bombardeo'] }] });
    expect(decisions.map((decision) => decision.story.story.lead.title)).toEqual([rule[0]?.title, bigger[0]?.title, velocity[0]?.title]);
    expect(new Set(decisions.map((decision) => decision.alertId)).size).toBe(3);
  });
});
