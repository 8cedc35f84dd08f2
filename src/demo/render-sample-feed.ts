/**
 * The bundled sample feeds carry their publication dates as placeholders relative to the moment
 * they are served — `{{date -3h}}` (RFC 822, for RSS) and `{{iso -90m}}` (ISO 8601, for Atom) —
 * so the demo's digest window always has news in it, whatever day it runs.
 */

const PLACEHOLDER = /\{\{(date|iso) -(\d+)([mhd])\}\}/g;
const ENTRY = /<(item|entry)\b[\s\S]*?<\/\1>\s*/g;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The feed as it looked at `asOf`: entries published after it are left out, and every placeholder
 * becomes a date `now` minus its offset. Pure.
 */
export function renderSampleFeed(template: string, now: number, asOf = now): string {
  const visible = template.replace(ENTRY, (entry) => {
    const published = firstDate(entry, now);
    return published !== null && published > asOf ? '' : entry;
  });
  return visible.replace(PLACEHOLDER, (_match, kind: string, amount: string, unit: string) => {
    const at = new Date(now - Number(amount) * (UNIT_MS[unit] as number));
    return kind === 'iso' ? at.toISOString() : at.toUTCString();
  });
}

function firstDate(entry: string, now: number): number | null {
  const match = new RegExp(PLACEHOLDER.source).exec(entry);
  return match ? now - Number(match[2]) * (UNIT_MS[match[3] as string] as number) : null;
}
