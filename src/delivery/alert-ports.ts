import type { AlertMute, AlertRule, AlertServerSettings, AlertSettingsChange, AlertedItem, AlertedStory, NewAlertRule } from '../core/alert.js';
import type { UnitOfWork } from '../core/unit-of-work.js';
import type { BarometerSources } from '../digest/load-barometer-items.js';
import type { OutboxRepository } from './ports.js';

/**
 * What was decided for each alert destination, owned by the alert runner: the records planAlerts
 * needs back every cycle, written in the same transaction as an alert's message in the outbox.
 */
export interface AlertRecordRepository {
  /** The destination's records decided at or after `since`, and every one still waiting, oldest first. */
  forDestination(destination: string, since: number): Promise<AlertedStory[]>;
  /**
   * Writes the record (one per alert id; a later write replaces it). `target` is the outbox key it
   * posts to; `postDigestId`, the outbox digest of its post, is kept once set.
   */
  save(destination: string, target: string, record: AlertedStory, postDigestId?: number | null): Promise<void>;
  /** The outbox digest that posted the alert, which its edits PATCH; null before it was posted. */
  postDigestId(alertId: string): Promise<number | null>;
  /**
   * Runs `decide` (read the records, decide, write each action with its record) while no other
   * worker on the store runs one: two pollers deciding at once would both see a story unalerted.
   */
  decideAlone<T>(decide: () => Promise<T>): Promise<T>;
  /** Of `itemIds`, those an alert to `target` (an outbox key) covers, with what became of that alert. */
  alertedItems(target: string, itemIds: readonly number[]): Promise<Map<number, AlertedItem>>;
}

/** The servers' own alert rules, mutes and settings, set with /alerts; the alert runner reads them every cycle. */
export interface AlertRuleRepository {
  /** Stores the rule and returns its id. */
  addRule(rule: NewAlertRule): Promise<number>;
  /** True when the server had that rule. */
  removeRule(guildId: string, id: number): Promise<boolean>;
  /** One server's rules, oldest first. */
  rulesForGuild(guildId: string): Promise<AlertRule[]>;
  /** Every server's rules, by server then age. */
  allRules(): Promise<AlertRule[]>;
  /** No alert for the server's rules before `until` (a later mute replaces an earlier one). */
  mute(guildId: string, until: number, by: string, now: number): Promise<void>;
  mutes(): Promise<AlertMute[]>;
  /**
   * Changes the settings given (time zone, quiet hours, hourly limit) and keeps the others, in one
   * statement, so two admins changing different settings at once both keep theirs.
   */
  saveSettings(change: AlertSettingsChange, by: string, now: number): Promise<void>;
  /** The server's settings: DEFAULT_ALERT_SETTINGS where it set none. */
  settingsFor(guildId: string): Promise<AlertServerSettings>;
  /** The settings of every server that set them, by server. */
  allSettings(): Promise<AlertServerSettings[]>;
}

export interface AlertPorts {
  alerts: AlertRecordRepository & AlertRuleRepository;
  outbox: OutboxRepository;
}

/**
 * The store as the alert runner uses it: its records and the outbox written together, the items read
 * as a digest reads them, and their stored lens readings for the LLM's importance.
 */
export type AlertStore = AlertPorts & UnitOfWork<AlertPorts> & BarometerSources;
