import { DEFAULT_ALERT_SETTINGS, type AlertMute, type AlertServerSettings, type AlertSettingsChange, type AlertedStory, type AlertedItem, type NewAlertRule } from '../../core/alert.js';
import { alertFromRow, ruleFromRow, settingsFromRow, type SettingsRow } from '../alert-rows.js';
import { LOCK_SPACE, lockKeys, type PgSession } from './pg-session.js';

/** Priority alerts' records, and the servers' rules and mutes (see sqlite/alert-store.ts). */

const ALERT_COLUMNS = `alert_id AS "alertId", state, item_ids AS "itemIds", outlets, outlets_at_alert AS "outletsAtAlert", reasons,
  decided_at AS "decidedAt", sent_at AS "sentAt", held_because AS "heldBecause"`;

const SETTINGS_COLUMNS = `guild_id AS "guildId", timezone, quiet_from AS "quietFrom", quiet_to AS "quietTo", max_per_hour AS "maxPerHour"`;

const RULE_COLUMNS = `id, guild_id AS "guildId", theme, terms, min_outlets AS "minOutlets", channel_id AS "channelId", language,
  created_by AS "createdBy", created_at AS "createdAt"`;

type AlertRow = Parameters<typeof alertFromRow>[0];
type RuleRow = Parameters<typeof ruleFromRow>[0];

export function createPgAlertStore(db: PgSession) {
  return {
    // The lock's transaction stays open, idle, while `decide` works on other connections: its
    // writes commit before the lock goes, so the next worker's decision reads them.
    decideAlone: <T>(decide: () => Promise<T>): Promise<T> =>
      db.atomic(async (tx) => {
        await lockKeys(tx, LOCK_SPACE.alerts, ['decide']);
        return decide();
      }),
    forDestination: async (destination: string, since: number) =>
      (
        await db.query<AlertRow>(
          `SELECT ${ALERT_COLUMNS} FROM alerts WHERE destination = $1 AND (decided_at >= $2 OR state = 'waiting') ORDER BY decided_at, alert_id COLLATE "C"`,
          [destination, since],
        )
      ).map(alertFromRow),
    save: (destination: string, target: string, record: AlertedStory, postDigestId?: number | null): Promise<void> =>
      db.atomic(async (tx) => {
        await tx.execute(
          `INSERT INTO alerts (alert_id, destination, target, state, item_ids, outlets, outlets_at_alert, reasons, decided_at, sent_at, post_digest_id, held_because)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (alert_id) DO UPDATE SET target = excluded.target, state = excluded.state, item_ids = excluded.item_ids,
             outlets = excluded.outlets, outlets_at_alert = excluded.outlets_at_alert, reasons = excluded.reasons,
             sent_at = excluded.sent_at, held_because = excluded.held_because, post_digest_id = COALESCE(alerts.post_digest_id, excluded.post_digest_id)`,
          [
            record.alertId,
            destination,
            target,
            record.state,
            JSON.stringify(record.itemIds),
            JSON.stringify(record.outlets),
            record.outletsAtAlert,
            JSON.stringify(record.reasons),
            record.decidedAt,
            record.sentAt ?? null,
            postDigestId ?? null,
            record.heldBecause ?? null,
          ],
        );
        await tx.execute(
          `INSERT INTO alert_items (alert_id, item_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
          [record.alertId, record.itemIds],
        );
      }),
    postDigestId: async (alertId: string) =>
      (await db.query<{ id: number | null }>(`SELECT post_digest_id AS id FROM alerts WHERE alert_id = $1`, [alertId]))[0]?.id ?? null,
    async alertedItems(target: string, itemIds: readonly number[]) {
      const rows = await db.query<{ itemId: number } & AlertedItem>(
        `SELECT i.item_id AS "itemId", a.alert_id AS "alertId", a.state, a.sent_at AS "sentAt", a.outlets_at_alert AS "outletsAtAlert",
           a.held_because AS "heldBecause"
         FROM alert_items i JOIN alerts a ON a.alert_id = i.alert_id
         WHERE a.target = $1 AND i.item_id = ANY ($2::bigint[]) ORDER BY a.decided_at`,
        [target, itemIds],
      );
      return new Map(rows.map(({ itemId, ...alert }) => [Number(itemId), alert]));
    },

    addRule: async (rule: NewAlertRule) =>
      Number(
        (
          await db.query<{ id: number }>(
            `INSERT INTO alert_rules (guild_id, theme, terms, min_outlets, channel_id, language, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
            [rule.guildId, rule.theme, JSON.stringify(rule.terms), rule.minOutlets, rule.channelId, rule.language, rule.createdBy, rule.createdAt],
          )
        )[0]?.id,
      ),
    removeRule: async (guildId: string, id: number) => (await db.execute(`DELETE FROM alert_rules WHERE guild_id = $1 AND id = $2`, [guildId, id])) > 0,
    rulesForGuild: async (guildId: string) =>
      (await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE guild_id = $1 ORDER BY id`, [guildId])).map(ruleFromRow),
    allRules: async () => (await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules ORDER BY guild_id COLLATE "C", id`)).map(ruleFromRow),
    async mute(guildId: string, until: number, by: string, now: number): Promise<void> {
      await db.execute(
        `INSERT INTO alert_mutes (guild_id, until, set_by, set_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (guild_id) DO UPDATE SET until = excluded.until, set_by = excluded.set_by, set_at = excluded.set_at`,
        [guildId, until, by, now],
      );
    },
    mutes: async () => (await db.query<AlertMute>(`SELECT guild_id AS "guildId", until FROM alert_mutes ORDER BY guild_id COLLATE "C"`)).map((row) => ({ ...row, until: Number(row.until) })),
    async saveSettings(change: AlertSettingsChange, by: string, now: number): Promise<void> {
      await db.execute(
        `INSERT INTO alert_settings (guild_id, timezone, quiet_from, quiet_to, max_per_hour, set_by, set_at)
         VALUES ($1, COALESCE($2::text, $3::text), $5::integer, $6::integer, COALESCE($7::integer, $8::integer), $9, $10)
         ON CONFLICT (guild_id) DO UPDATE SET timezone = COALESCE($2::text, alert_settings.timezone),
           quiet_from = CASE WHEN $4::boolean THEN $5::integer ELSE alert_settings.quiet_from END,
           quiet_to = CASE WHEN $4::boolean THEN $6::integer ELSE alert_settings.quiet_to END,
           max_per_hour = COALESCE($7::integer, alert_settings.max_per_hour), set_by = $9, set_at = $10`,
        [
          change.guildId,
          change.timezone ?? null,
          DEFAULT_ALERT_SETTINGS.timezone,
          change.quietHours !== undefined,
          change.quietHours?.from ?? null,
          change.quietHours?.to ?? null,
          change.maxPerHour ?? null,
          DEFAULT_ALERT_SETTINGS.maxPerHour,
          by,
          now,
        ],
      );
    },
    async settingsFor(guildId: string): Promise<AlertServerSettings> {
      const [row] = await db.query<SettingsRow>(`SELECT ${SETTINGS_COLUMNS} FROM alert_settings WHERE guild_id = $1`, [guildId]);
      return row ? settingsFromRow(row) : { guildId, ...DEFAULT_ALERT_SETTINGS };
    },
    allSettings: async () => (await db.query<SettingsRow>(`SELECT ${SETTINGS_COLUMNS} FROM alert_settings ORDER BY guild_id COLLATE "C"`)).map(settingsFromRow),
  };
}
