import type { LensReader } from '../classify/lens-reader.js';
import type { DigestScheduleConfig } from '../config/config-schema.js';
import { computeBarometer } from '../digest/barometer.js';
import { CHART_WEEKS } from '../digest/barometer-chart.js';
import { briefingReadWindow, buildBriefing, reportedMoment, type Briefing } from '../digest/build-briefing.js';
import { loadBarometerItems, type BarometerSources } from '../digest/load-barometer-items.js';
import { buildScheduledDigest, type ScheduledDigestDeps } from './scheduled-digest.js';

export interface ScheduledBriefingDeps extends ScheduledDigestDeps {
  /** The digest's sources, with the lens readings stored at classification. */
  store: ScheduledDigestDeps['store'] & BarometerSources;
  lens: LensReader;
}

/**
 * The weekly briefing of a schedule's slot: the window's top stories per theme (a digest, with
 * stories the destination already got in its daily digests kept: it is the week's recap), and the
 * barometer of the CHART_WEEKS weeks up to the reported one, read with the lens.
 */
export async function buildScheduledBriefing(deps: ScheduledBriefingDeps, schedule: DigestScheduleConfig, window: { from: number; to: number }): Promise<Briefing> {
  const digest = await buildScheduledDigest(deps, schedule, window);
  const { items, readings } = await loadBarometerItems(deps.store, deps.lens, briefingReadWindow(window.to, schedule.timezone));
  const barometer = computeBarometer(items, readings, { weeks: CHART_WEEKS, timezone: schedule.timezone, now: reportedMoment(window.to) });
  return buildBriefing(digest, barometer);
}
