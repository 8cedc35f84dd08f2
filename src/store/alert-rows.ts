import type { AlertReason, AlertRule, AlertServerSettings, AlertedStory, HoldCause } from '../core/alert.js';

/** Alert rows as both engines read them back: the JSON columns are ours, written by the stores' `save` and `addRule`. */

export interface AlertRow {
  alertId: string;
  state: AlertedStory['state'];
  itemIds: string;
  outlets: string;
  outletsAtAlert: number;
  reasons: string;
  decidedAt: number;
  sentAt: number | null;
  heldBecause: HoldCause | null;
}

export function alertFromRow(row: AlertRow): AlertedStory {
  return {
    alertId: row.alertId,
    itemIds: JSON.parse(row.itemIds) as number[],
    outlets: JSON.parse(row.outlets) as string[],
    outletsAtAlert: Number(row.outletsAtAlert),
    reasons: JSON.parse(row.reasons) as AlertReason[],
    state: row.state,
    decidedAt: Number(row.decidedAt),
    ...(row.sentAt === null ? {} : { sentAt: Number(row.sentAt) }),
    ...(row.heldBecause === null ? {} : { heldBecause: row.heldBecause }),
  };
}

export function ruleFromRow(row: Omit<AlertRule, 'terms'> & { terms: string }): AlertRule {
  return { ...row, id: Number(row.id), createdAt: Number(row.createdAt), terms: JSON.parse(row.terms) as string[] };
}


export interface SettingsRow {
  guildId: string;
  timezone: string;
  quietFrom: number | null;
  quietTo: number | null;
  maxPerHour: number;
}

export function settingsFromRow(row: SettingsRow): AlertServerSettings {
  return {
    guildId: row.guildId,
    timezone: row.timezone,
    quietHours: row.quietFrom === null || row.quietTo === null ? null : { from: Number(row.quietFrom), to: Number(row.quietTo) },
    maxPerHour: Number(row.maxPerHour),
  };
}
