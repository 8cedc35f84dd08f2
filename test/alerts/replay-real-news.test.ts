import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { replayAlerts, type ReplayFeed } from '../../src/bench/alerts-replay.js';
import { demoReplayFeeds } from '../../src/cli/demo-replay-feeds.js';

/**
 * Part 4 of the alerts issue, judged on real news: the feed snapshots of test/fixtures/snapshots
 * (provenance in its README) and the demo's sample feeds, replayed poll cycle by poll cycle through
 * normalize → offline classification → clustering → the alert decision. With the default settings no
 * more than one on-topic story in twenty may alert, and each that does must be one people would want
 * to know about now.
 */

const root = path.resolve(import.meta.dirname, '../..');

const SNAPSHOTS: [string, string][] = [
  ['angyeligena_news-feeds_venezuela_2025-09-28_20fe3824.xml', 'Noticias Venezuela'],
  ['angyeligena_news-feeds_venezuela_2025-10-03_1681394c.xml', 'Noticias Venezuela'],
  ['angyeligena_news-feeds_panama_2025-10-22_6a607d37.xml', 'Noticias Panamá'],
  ['angyeligena_news-feeds_dominicana_2025-10-22_6a607d37.xml', 'Noticias República Dominicana'],
];

async function feeds(): Promise<ReplayFeed[]> {
  const snapshots = SNAPSHOTS.map(([file, name]) => ({
    name,
    body: readFileSync(path.join(root, 'test/fixtures/snapshots', file)),
    contentType: 'application/rss+xml; charset=utf-8',
    fetchedAt: Date.parse('2025-10-23T00:00:00Z'),
  }));
  // As in the demo: what the feeds held a day before is the archive of their first poll (backlog).
  return [...snapshots, ...(await demoReplayFeeds())];
}

const listed = (report: Awaited<ReturnType<typeof replayAlerts>>) => report.alerts.map((alert) => `${alert.headline} — ${alert.outlets.join(', ')} — ${alert.why}`);

describe('alerts replayed on real news', () => {
  it('with the default settings, alert one on-topic story in twenty at most: only the one three outlets carried within the hour', async () => {
    const report = await replayAlerts(await feeds());
    expect(report).toMatchObject({ items: 184, onTopicItems: 43, onTopicStories: 34, edits: 0, toDigest: 0 });
    expect(listed(report)).toEqual([
      'Mercosul e União Europeia assinam acordo de livre comércio em Assunção — Agência Sul, Diario del Plata, Hemisphere Wire — 3 outlets in 60 min',
    ]);
    expect(report.rate).toBeLessThanOrEqual(1 / 20);
  });

  it('with the sample config\'s example destination, its rules add the two U.S. strikes on boats, each from one outlet (in the order they alerted)', async () => {
    const text = readFileSync(path.join(root, 'config/sancocho.yaml'), 'utf8');
    const example = parse(text.slice(text.indexOf('# alerts:')).replace(/^# ?/gm, '')) as { alerts: Record<string, unknown>[] };
    const report = await replayAlerts(await feeds(), { alerts: example.alerts[0] });
    expect(listed(report)).toEqual([
      'US strike on alleged drug boat in the Caribbean kills four, Pentagon says — Hemisphere Wire — rule «strike» (Hemisphere Wire)',
      'Estados Unidos ataca otra lancha en el Caribe; Caracas denuncia una ejecución extrajudicial — El Caribe Hoy — rule «ataca» (El Caribe Hoy)',
      'Mercosul e União Europeia assinam acordo de livre comércio em Assunção — Agência Sul, Diario del Plata, Hemisphere Wire — 3 outlets in 60 min',
    ]);
    // All three came up in the destination's quiet hours (23:00–07:00 in Caracas) and waited for their end.
    expect(report.alerts.map((alert) => new Date(alert.at).toISOString())).toEqual(Array(3).fill('2026-11-30T11:00:00.000Z'));
    expect(report).toMatchObject({ edits: 0, toDigest: 0 });
  });
});
