import { describe, expect, it } from 'vitest';
import { paceAlerts, type PacingSettings, type PendingAlert } from '../../src/alerts/pace-alerts.js';
import { nextAllowedTime } from '../../src/alerts/quiet-hours.js';
import { HOUR, MINUTE, NOW } from './fixtures.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const hhmm = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3));
const quiet = (from: string, to: string) => ({ from: hhmm(from), to: hhmm(to) });

describe('quiet hours: the next time an alert may go out', () => {
  it.each([
    ['outside quiet hours: at once', '2026-11-30T15:00:00Z', quiet('23:00', '07:00'), 'UTC', '2026-11-30T15:00:00.000Z'],
    ['inside, before midnight: at their end the next morning', '2026-11-30T23:30:15Z', quiet('23:00', '07:00'), 'UTC', '2026-12-01T07:00:00.000Z'],
    ['inside, after midnight: at their end the same morning', '2026-12-01T03:10:00Z', quiet('23:00', '07:00'), 'UTC', '2026-12-01T07:00:00.000Z'],
    ['at the minute they end: at once', '2026-12-01T07:00:00Z', quiet('23:00', '07:00'), 'UTC', '2026-12-01T07:00:00.000Z'],
    ['a daytime span', '2026-11-30T13:15:00Z', quiet('12:00', '14:00'), 'UTC', '2026-11-30T14:00:00.000Z'],
    // 23:30 in Caracas (UTC−4) is 03:30 UTC; quiet until 07:00 Caracas = 11:00 UTC.
    ['read in the destination\'s zone (Caracas, UTC−4)', '2026-12-01T03:30:00Z', quiet('23:00', '07:00'), 'America/Caracas', '2026-12-01T11:00:00.000Z'],
    ['15:00 UTC is 11:00 in Caracas: not quiet there', '2026-11-30T15:00:00Z', quiet('23:00', '07:00'), 'America/Caracas', '2026-11-30T15:00:00.000Z'],
    // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT. A night ending at 02:30 ends at the first minute after the gap.
    ['ending in the hour skipped in spring', '2026-03-08T05:00:00Z', quiet('23:00', '02:30'), 'America/New_York', '2026-03-08T07:00:00.000Z'],
    // The night of the autumn change (2026-11-01, 02:00 EDT → 01:00 EST) is an hour longer by the clock: 07:00 EST = 12:00 UTC.
    ['across the autumn change, ending by the wall clock', '2026-11-01T04:00:00Z', quiet('23:00', '07:00'), 'America/New_York', '2026-11-01T12:00:00.000Z'],
    ['none configured', '2026-11-30T23:30:00Z', undefined, 'UTC', '2026-11-30T23:30:00.000Z'],
  ])('%s', (_case, when, hours, zone, expected) => {
    expect(iso(nextAllowedTime(at(when), hours, zone))).toBe(expected);
  });
});

describe('no flood: pacing a destination\'s new alerts', () => {
  const settings: PacingSettings = { maxPerHour: 4, timezone: 'UTC' };
  const fresh = (...ids: string[]): PendingAlert[] => ids.map((alertId) => ({ alertId, queuedAt: NOW }));
  const outcomes = (paced: ReturnType<typeof paceAlerts>) =>
    [...paced].map(([id, pace]) => `${id} ${pace.kind}${pace.kind === 'wait' ? ` until ${iso(pace.until).slice(11, 16)} (${pace.because})` : pace.kind === 'to-digest' ? ` (${pace.because})` : ''}`);

  it('sends up to four in an hour; the fifth waits until the hour\'s first leaves the window', () => {
    const paced = paceAlerts({ now: NOW, settings, sentAt: [NOW - 50 * MINUTE, NOW - 20 * MINUTE], alerts: fresh('a', 'b', 'c') });
    expect(outcomes(paced)).toEqual(['a send', 'b send', 'c wait until 12:10 (rate)']);
  });

  it('queues a burst behind each other, never more than four in any hour', () => {
    const ids = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const paced = paceAlerts({ now: NOW, settings, sentAt: [], alerts: fresh(...ids) });
    expect(outcomes(paced)).toEqual([
      '1 send', '2 send', '3 send', '4 send',
      '5 wait until 13:00 (rate)', '6 wait until 13:00 (rate)', '7 wait until 13:00 (rate)', '8 wait until 13:00 (rate)',
      '9 wait until 14:00 (rate)',
    ]);
    const times = [...paced.values()].map((pace) => (pace.kind === 'wait' ? pace.until : NOW));
    for (const time of times) expect(times.filter((other) => other > time - HOUR && other <= time).length).toBeLessThanOrEqual(4);
  });

  it('takes the alerts waiting from earlier cycles before this cycle\'s, and sends one when its time has come', () => {
    const waiting = { alertId: 'old', queuedAt: NOW - 50 * MINUTE };
    const paced = paceAlerts({ now: NOW, settings: { ...settings, maxPerHour: 1 }, sentAt: [NOW - 61 * MINUTE], alerts: [...fresh('new'), waiting] });
    expect(outcomes(paced)).toEqual(['old send', 'new wait until 13:00 (rate)']);
  });

  it('hands an alert to the digest when its slot would come at or after the next digest', () => {
    const paced = paceAlerts({ now: NOW, settings: { ...settings, maxPerHour: 1 }, sentAt: [NOW - 10 * MINUTE], alerts: fresh('a'), handOffAt: NOW + 30 * MINUTE });
    expect(outcomes(paced)).toEqual(['a to-digest (rate)']);
  });

  it('hands an alert to the digest when it would wait more than six hours since it was decided', () => {
    const waiting = { alertId: 'a', queuedAt: NOW - 5.5 * HOUR };
    const paced = paceAlerts({ now: NOW, settings: { ...settings, maxPerHour: 1 }, sentAt: [NOW - 10 * MINUTE], alerts: [waiting] });
    expect(outcomes(paced)).toEqual(['a to-digest (rate)']);
  });

  it('holds alerts in quiet hours until they end, still four an hour after them', () => {
    const night = at('2026-11-30T23:30:00Z');
    const paced = paceAlerts({
      now: night,
      settings: { ...settings, quietHours: quiet('23:00', '04:00') },
      sentAt: [],
      alerts: ['a', 'b', 'c', 'd', 'e'].map((alertId) => ({ alertId, queuedAt: night })),
    });
    expect(outcomes(paced)).toEqual([
      'a wait until 04:00 (quiet)', 'b wait until 04:00 (quiet)', 'c wait until 04:00 (quiet)', 'd wait until 04:00 (quiet)',
      'e wait until 05:00 (quiet)',
    ]);
  });

  it('hands a night\'s alerts to the morning digest when it comes before the quiet hours end', () => {
    const night = at('2026-12-01T02:00:00Z');
    const paced = paceAlerts({ now: night, settings: { ...settings, quietHours: quiet('23:00', '09:00') }, sentAt: [], alerts: [{ alertId: 'a', queuedAt: night }], handOffAt: at('2026-12-01T08:00:00Z') });
    expect(outcomes(paced)).toEqual(['a to-digest (quiet)']);
  });

  it('sends nothing while muted: the stories go to the digest; after the mute, alerts flow again', () => {
    const muted = { ...settings, mutedUntil: NOW + HOUR };
    expect(outcomes(paceAlerts({ now: NOW, settings: muted, sentAt: [], alerts: fresh('a', 'b') }))).toEqual(['a to-digest (muted)', 'b to-digest (muted)']);
    expect(outcomes(paceAlerts({ now: NOW + HOUR, settings: muted, sentAt: [], alerts: fresh('c') }))).toEqual(['c send']);
  });

  it('gives every alert exactly one outcome, whatever the load (never dropped silently)', () => {
    const alerts = Array.from({ length: 40 }, (_, index) => ({ alertId: `a${index}`, queuedAt: NOW - (index % 5) * 20 * MINUTE }));
    const paced = paceAlerts({ now: NOW, settings: { ...settings, quietHours: quiet('14:00', '15:00') }, sentAt: [NOW - 5 * MINUTE], alerts, handOffAt: NOW + 8 * HOUR });
    expect([...paced.keys()].sort()).toEqual(alerts.map((alert) => alert.alertId).sort());
    expect([...paced.values()].filter((pace) => pace.kind === 'send')).toHaveLength(3);
  });
});
