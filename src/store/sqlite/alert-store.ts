import type { Database } from 'better-sqlite3';
import { DEFAULT_ALERT_SETTINGS, type AlertMute, type AlertServerSettings, type AlertSettingsChange, type AlertedStory, type AlertedItem, type NewAlertRule } from '../../core/alert.js';
import { alertFromRow, ruleFromRow, settingsFromRow, type AlertRow, type SettingsRow } from '../alert-rows.js';
import { writeTransaction } from '../write-transaction.js';

/** Priority alerts' records, and the servers' rules and mutes set with /alerts (see core/alert.ts). */

const ALERT_COLUMNS = `alert_id AS alertId, state, item_ids AS itemIds, outlets, outlets_at_alert AS outletsAtAlert, reasons,
  decided_at AS decidedAt, sent_at AS sentAt, held_because AS heldBecause`;

const RULE_COLUMNS = `id, guild_id AS guildId, theme, terms, min_outlets AS minOutlets, channel_id AS channelId, language,
  created_by AS createdBy, created_at AS createdAt`;

export function createSqliteAlertStore(db: Database) {
  const forDestination = db.prepare(
    `SELECT ${ALERT_COLUMNS} FROM alerts WHERE destination = ? AND (decided_at >= ? OR state = 'waiting') ORDER BY decided_at, alert_id`,
  );
  const upsert = db.prepare(
    `INSERT INTO alerts (alert_id, destination, target, state, item_ids, outlets, outlets_at_alert, reasons, decided_at, sent_at, post_digest_id, held_because)
     VALUES (@alertId, @destination, @target, @state, @itemIds, @outlets, @outletsAtAlert, @reasons, @decidedAt, @sentAt, @postDigestId, @heldBecause)
     ON CONFLICT (alert_id) DO UPDATE SET target = excluded.target, state = excluded.state, item_ids = excluded.item_ids,
       outlets = excluded.outlets, outlets_at_alert = excluded.outlets_at_alert, reasons = excluded.reasons,
       sent_at = excluded.sent_at, held_because = excluded.held_because, post_digest_id = COALESCE(alerts.post_digest_id, excluded.post_digest_id)`,
  );
  const addItem = db.prepare(`INSERT OR IGNORE INTO alert_items (alert_id, item_id) VALUES (?, ?)`);
  const postOf = db.prepare(`SELECT post_digest_id AS id FROM alerts WHERE alert_id = ?`);
  const alertedItems = db.prepare(
    `SELECT i.item_id AS itemId, a.alert_id AS alertId, a.state, a.sent_at AS sentAt, a.outlets_at_alert AS outletsAtAlert, a.held_because AS heldBecause
     FROM alert_items i JOIN alerts a ON a.alert_id = i.alert_id
     WHERE a.target = ? AND i.item_id IN (SELECT value FROM json_each(?)) ORDER BY a.decided_at`,
  );
  const addRule = db.prepare(
    `INSERT INTO alert_rules (guild_id, theme, terms, min_outlets, channel_id, language, created_by, created_at)
     VALUES (@guildId, @theme, @terms, @minOutlets, @channelId, @language, @createdBy, @createdAt)`,
  );
  const removeRule = db.prepare(`DELETE FROM alert_rules WHERE guild_id = ? AND id = ?`);
  const rulesForGuild = db.prepare(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE guild_id = ? ORDER BY id`);
  const allRules = db.prepare(`SELECT ${RULE_COLUMNS} FROM alert_rules ORDER BY guild_id, id`);
  const mute = db.prepare(
    `INSERT INTO alert_mutes (guild_id, until, set_by, set_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (guild_id) DO UPDATE SET until = excluded.until, set_by = excluded.set_by, set_at = excluded.set_at`,
  );
  const mutes = db.prepare(`SELECT guild_id AS guildId, until FROM alert_mutes ORDER BY guild_id`);
  const saveSettings = db.prepare(
    `INSERT INTO alert_settings (guild_id, timezone, quiet_from, quiet_to, max_per_hour, set_by, set_at)
     VALUES (@guildId, COALESCE(@timezone, @defaultZone), @quietFrom, @quietTo, COALESCE(@maxPerHour, @defaultMax), @by, @now)
     ON CONFLICT (guild_id) DO UPDATE SET timezone = COALESCE(@timezone, alert_settings.timezone),
       quiet_from = CASE WHEN @setQuiet THEN @quietFrom ELSE alert_settings.quiet_from END,
       quiet_to = CASE WHEN @setQuiet THEN @quietTo ELSE alert_settings.quiet_to END,
       max_per_hour = COALESCE(@maxPerHour, alert_settings.max_per_hour), set_by = @by, set_at = @now`,
  );
  const SETTINGS_COLUMNS = `guild_id AS guildId, timezone, quiet_from AS quietFrom, quiet_to AS quietTo, max_per_hour AS maxPerHour`;
  const settingsFor = db.prepare(`SELECT ${SETTINGS_COLUMNS} FROM alert_settings WHERE guild_id = ?`);
  const allSettings = db.prepare(`SELECT ${SETTINGS_COLUMNS} FROM alert_settings ORDER BY guild_id`);

  const save = writeTransaction(db, (destination: string, target: string, record: AlertedStory, postDigestId: number | null) => {
    upsert.run({
      alertId: record.alertId,
      destination,
      target,
      state: record.state,
      itemIds: JSON.stringify(record.itemIds),
      outlets: JSON.stringify(record.outlets),
      outletsAtAlert: record.outletsAtAlert,
      reasons: JSON.stringify(record.reasons),
      decidedAt: record.decidedAt,
      sentAt: record.sentAt ?? null,
      postDigestId,
      heldBecause: record.heldBecause ?? null,
    });
    for (const id of record.itemIds) addItem.run(record.alertId, id);
  });

  // One process per SQLite file (the writer lock): decisions need only take turns within it.
  let turn: Promise<unknown> = Promise.resolve();
  return {
    decideAlone<T>(decide: () => Promise<T>): Promise<T> {
      const mine = turn.then(decide);
      turn = mine.catch(() => undefined);
      return mine;
    },
    forDestination: async (destination: string, since: number) => (forDestination.all(destination, since) as AlertRow[]).map(alertFromRow),
    save: async (destination: string, target: string, record: AlertedStory, postDigestId?: number | null): Promise<void> =>
      save(destination, target, record, postDigestId ?? null),
    postDigestId: async (alertId: string) => (postOf.get(alertId) as { id: number | null } | undefined)?.id ?? null,
    async alertedItems(target: string, itemIds: readonly number[]) {
      const rows = alertedItems.all(target, JSON.stringify(itemIds)) as ({ itemId: number } & AlertedItem)[];
      return new Map(rows.map(({ itemId, ...alert }) => [itemId, alert]));
    },

    addRule: async (rule: NewAlertRule) => Number(addRule.run({ ...rule, terms: JSON.stringify(rule.terms) }).lastInsertRowid),
    removeRule: async (guildId: string, id: number) => removeRule.run(guildId, id).changes > 0,
    rulesForGuild: async (guildId: string) => (rulesForGuild.all(guildId) as Parameters<typeof ruleFromRow>[0][]).map(ruleFromRow),
    allRules: async () => (allRules.all() as Parameters<typeof ruleFromRow>[0][]).map(ruleFromRow),
    async mute(guildId: string, until: number, by: string, now: number): Promise<void> {
      mute.run(guildId, until, by, now);
    },
    mutes: async () => mutes.all() as AlertMute[],
    async saveSettings(change: AlertSettingsChange, by: string, now: number): Promise<void> {
      saveSettings.run({
        guildId: change.guildId,
        timezone: change.timezone ?? null,
        defaultZone: DEFAULT_ALERT_SETTINGS.timezone,
        setQuiet: change.quietHours === undefined ? 0 : 1,
        quietFrom: change.quietHours?.from ?? null,
        quietTo: change.quietHours?.to ?? null,
        maxPerHour: change.maxPerHour ?? null,
        defaultMax: DEFAULT_ALERT_SETTINGS.maxPerHour,
        by,
        now,
      });
    },
    async settingsFor(guildId: string): Promise<AlertServerSettings> {
      const row = settingsFor.get(guildId) as SettingsRow | undefined;
      return row ? settingsFromRow(row) : { guildId, ...DEFAULT_ALERT_SETTINGS };
    },
    allSettings: async () => (allSettings.all() as SettingsRow[]).map(settingsFromRow),
  };
}
