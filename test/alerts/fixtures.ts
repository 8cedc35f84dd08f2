import { alertDestinationSchema } from '../../src/config/config-schema.js';
import type { AlertItem } from '../../src/alerts/alert-types.js';
import { alertPolicy, type AlertPolicy } from '../../src/alerts/decide-alerts.js';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
/** 2026-11-30 12:00 UTC: a fixed "now" for pure tests. */
export const NOW = Date.UTC(2026, 10, 30, 12);

let nextId = 1;

/** An on-topic item published an hour ago by `outlet`. */
export function alertItem(title: string, outlet: string, overrides: Partial<AlertItem> = {}): AlertItem {
  const id = overrides.id ?? nextId++;
  return {
    id,
    title,
    summary: '',
    url: `https://news.example/${id}`,
    outlet,
    language: 'es',
    publishedAt: NOW - HOUR,
    reachedAt: NOW - HOUR + 5 * MINUTE,
    themes: { 'us-venezuela': 0.9 },
    contentHash: `hash-${id}`,
    backlog: false,
    ...overrides,
  };
}

/** The same headline told by each of `outlets`. */
export function toldBy(title: string, outlets: string[], overrides: Partial<AlertItem> = {}): AlertItem[] {
  return outlets.map((outlet) => alertItem(title, outlet, overrides));
}

/** A destination's policy from the config as a person would write it (defaults filled by the schema). */
export function policy(config: Record<string, unknown> = {}): AlertPolicy {
  return alertPolicy(alertDestinationSchema.parse({ name: 'urgent', ...config }));
}
