import type { DigestScheduleConfig } from '../config/config-schema.js';
import type { ThemeId } from '../core/themes.js';
import { addOverviews, buildDigest } from '../digest/build-digest.js';
import type { OverviewWriter } from '../digest/digest-overview.js';
import type { Digest } from '../digest/digest-types.js';
import { loadDigestItems, type DigestSources } from '../digest/load-digest-items.js';
import type { AlertRecordRepository } from './alert-ports.js';
import { markAlerted } from './mark-alerted.js';
import type { DeliveryPorts } from './ports.js';

export interface ScheduledDigestDeps {
  store: Pick<DeliveryPorts, 'deliveries'> & DigestSources & { alerts?: Pick<AlertRecordRepository, 'alertedItems'> | undefined };
  overview?: OverviewWriter | undefined;
}

/**
 * The digest of a schedule for a window: items from the stores, clustered, ranked, with overviews.
 * For a destination (its outbox key), without the stories it already received; with `themes`, only
 * those sections (a theme route), each story still filed under the one theme it is most about.
 */
export async function buildScheduledDigest(
  deps: ScheduledDigestDeps,
  schedule: DigestScheduleConfig,
  window: { from: number; to: number },
  target?: { destination: string; themes?: ReadonlySet<ThemeId> },
): Promise<Digest> {
  const items = await loadDigestItems(deps.store, schedule.themes, window);
  const received = target
    ? await deps.store.deliveries.received(target.destination, items.map((item) => item.id))
    : new Map<number, string>();
  const built = buildDigest(
    {
      schedule: schedule.name,
      themes: schedule.themes,
      maxPerTheme: schedule.maxPerTheme,
      language: schedule.language,
      timezone: schedule.timezone,
      ...window,
    },
    items,
    { received },
  );
  const themes = target?.themes;
  const chosen = themes ? { ...built, sections: built.sections.filter((section) => themes.has(section.theme)) } : built;
  // Stories the destination already got as alerts: one line each instead of in full.
  const alerted = target && deps.store.alerts ? await deps.store.alerts.alertedItems(target.destination, items.map((item) => item.id)) : new Map();
  const digest = markAlerted(chosen, alerted);
  if (!deps.overview || digest.sections.length === 0) return digest;
  return addOverviews(digest, await deps.overview.write(digest));
}
