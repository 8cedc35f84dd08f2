import { isIP } from 'node:net';
import cron from 'node-cron';
import { z } from 'zod';
import { LANGUAGES } from '../core/types.js';
import { THEME_IDS } from '../core/themes.js';
import { parseDuration } from '../core/duration.js';
import { isTimeZone } from '../core/time-zone.js';
import { databaseProblem } from './database-target.js';
import { shardCountSchema } from './shard-plan.js';

const language = z.enum(LANGUAGES);
const themeId = z.enum(THEME_IDS, {
  error: (issue) => `unknown theme id ${JSON.stringify(issue.input)}; the ids are ${THEME_IDS.join(', ')}`,
});


export const cronExpression = z.string().trim().superRefine((value, ctx) => {
  const result = cron.validateDetailed(value);
  if (!result.valid) {
    const detail = result.errors.map((error) => `${error.field}: ${error.message}`).join('; ');
    ctx.addIssue({ code: 'custom', message: `not a valid cron expression "${value}" (${detail})` });
  }
});

const httpUrl = z.string().trim().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL');

/**
 * Durations are bounded by what makes sense and, below that, by what Node's timers accept: past
 * 2 147 483 647 ms (24.8 days) setTimeout fires at once, which would break every fetch.
 */
const seconds = (max: number, sense: string) => z.number().positive().max(max, `must be at most ${max} seconds (${sense})`);
const minutes = (max: number, sense: string) => z.number().int().min(1).max(max, `must be at most ${max} minutes (${sense})`);
const WEEK_MINUTES = 7 * 24 * 60;

export const feedSchema = z.strictObject({
  url: httpUrl,
  name: z.string().trim().min(1, 'must not be empty'),
  language: language.optional(),
  interval: minutes(WEEK_MINUTES, 'a week').optional().describe('minutes between polls'),
});

const cidr = z.string().refine((value) => {
  const [range = '', prefix, ...rest] = value.split('/');
  const family = isIP(range);
  const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
  return family !== 0 && rest.length === 0 && Number.isInteger(bits) && bits >= 0 && bits <= (family === 6 ? 128 : 32);
}, 'must be an IP address or CIDR range such as 10.0.0.0/8');

export const pollingSchema = z.strictObject({
  /** node-cron expression for the poll cycle; each feed is polled only when it is due. */
  schedule: cronExpression.default('*/5 * * * *'),
  /** Minutes between polls of a feed that sets no interval of its own. */
  defaultInterval: minutes(WEEK_MINUTES, 'a week').default(30),
  concurrency: z.number().int().min(1).max(256).default(8),
  perHostConcurrency: z.number().int().min(1).max(64).default(2),
  connectTimeoutSeconds: seconds(300, 'five minutes').default(10),
  timeoutSeconds: seconds(3600, 'an hour').default(30),
  /**
   * How long a poller's lease on a feed holds before another worker may take the feed over; by
   * default twice what a poll may take plus a minute (pipeline/poll-feeds.ts's leaseDurationMs).
   */
  leaseSeconds: seconds(3600, 'an hour').optional(),
  maxBodyBytes: z.number().int().min(1024).default(10 * 1024 * 1024),
  maxRedirects: z.number().int().min(0).max(20).default(5),
  /** Entries taken from one document, the newest first; the rest are skipped (and logged) to keep memory bounded. */
  maxItemsPerFeed: z.number().int().min(1).max(100_000).default(1000),
  /** Consecutive failures after which a feed is marked failing and polled only every `failingInterval` minutes. */
  failingAfter: z.number().int().min(1).default(10),
  failingInterval: minutes(WEEK_MINUTES, 'a week').default(24 * 60),
  /** Ceiling for the exponential backoff after errors, in minutes. */
  maxBackoff: minutes(WEEK_MINUTES, 'a week').default(12 * 60),
  /**
   * Feeds added from Discord may not reach loopback, private, link-local or metadata addresses.
   * `true` lifts that (only for tests against a loopback server); a list of CIDRs lifts it for those.
   */
  allowPrivateAddresses: z.union([z.boolean(), z.array(cidr)]).default(false),
});

/** Present only when an OpenAI-compatible server should classify; the key comes from OPENAI_API_KEY. */
export const llmSchema = z.strictObject({
  baseURL: httpUrl.optional().describe('omit for OpenAI itself'),
  model: z.string().min(1),
  timeoutSeconds: seconds(3600, 'an hour').default(60),
  batchSize: z.number().int().min(1).max(100).default(20),
  maxRetries: z.number().int().min(0).max(10).default(3),
  /** Longest wait honoured from a Retry-After header before giving up on the batch (seconds). */
  maxRetryAfterSeconds: seconds(3600, 'an hour').default(60),
  /** Tokens per UTC day; past it the offline classifier takes over until midnight. */
  dailyTokenBudget: z.number().int().min(0).default(500_000),
  /** Items in which the offline stage finds no regional signal are not sent. */
  skipWithoutRegionalSignal: z.boolean().default(true),
  maxItemChars: z.number().int().min(100).default(1500),
});

/** An IANA time zone name, checked against the runtime's own zone database. */
export const timeZone = z.string().trim().superRefine((value, ctx) => {
  if (!isTimeZone(value)) ctx.addIssue({ code: 'custom', message: `unknown IANA time zone "${value}" (e.g. America/Caracas, America/Sao_Paulo, UTC)` });
});

/** `24h`, `7d`, `90m`…, parsed to milliseconds. */
export const duration = z.string().transform((value, ctx) => {
  const parsed = parseDuration(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  }
  return parsed.ms;
});

const channelId = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number'
        ? 'write the channel id in quotes: YAML reads numbers this long inexactly'
        : 'must be a Discord channel id (17 to 20 digits, in quotes)',
  })
  .trim()
  .regex(/^\d{17,20}$/, 'must be a Discord channel id (17 to 20 digits, in quotes)');

/** `https://discord.com/api/webhooks/<id>/<token>` (any host: a proxy or a test server may stand in). */
export const WEBHOOK_URL_PATTERN = /^(https?:\/\/[^/?#]+(?:\/[^?#]*?)?)\/webhooks\/(\d{1,20})\/([\w-]+)\/?(?:\?.*)?$/;

const webhookUrl = z
  .string()
  .trim()
  .regex(WEBHOOK_URL_PATTERN, 'must be a Discord webhook URL: https://discord.com/api/webhooks/<id>/<token>');

/** Where a digest goes: a channel (bot mode) or a webhook; absent, it is only previewed (terminal and files). */
export const destinationSchema = z
  .strictObject({ channelId: channelId.optional(), webhookUrl: webhookUrl.optional() })
  .refine((value) => !(value.channelId && value.webhookUrl), 'give either channelId or webhookUrl, not both')
  .refine((value) => value.channelId || value.webhookUrl, 'give channelId (bot mode) or webhookUrl');

/** What a schedule sends: a digest of its window's stories, or the weekly briefing (chart, barometer, movers, top stories). */
export const SCHEDULE_KINDS = ['digest', 'briefing'] as const;
/** A briefing without a `cron` goes out on Monday at 08:00 in its time zone. */
export const BRIEFING_CRON = '0 8 * * 1';

const digestScheduleFields = z.strictObject({
  /** Names the schedule in logs, the outbox, `--schedule` and preview file names. */
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'use letters, digits, - and _ (at most 64)'),
  kind: z.enum(SCHEDULE_KINDS).default('digest'),
  /** node-cron expression, read in `timezone`; a briefing may leave it out (Monday 08:00). */
  cron: cronExpression.optional(),
  timezone: timeZone.default('UTC'),
  /** How far back the digest looks from its scheduled time: 24h, 7d… (default 24h; 7d for a briefing). */
  window: z.string().pipe(duration).optional(),
  destination: destinationSchema.optional(),
  /** Theme ids to cover, in this order; all themes when absent. */
  themes: z
    .array(themeId)
    .min(1, 'list at least one theme, or leave `themes` out for all of them')
    .default([...THEME_IDS]),
  maxPerTheme: z.number().int().min(1).max(25).default(5),
  /** Language of headings, labels and the LLM overview. */
  language: language.default('es'),
});

export const digestScheduleSchema = digestScheduleFields
  .superRefine((schedule, ctx) => {
    if (schedule.kind === 'digest' && schedule.cron === undefined) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: `a digest needs a cron expression, e.g. "0 8 * * *" (only a briefing defaults to "${BRIEFING_CRON}")` });
    }
  })
  .transform((schedule) => ({
    ...schedule,
    cron: schedule.cron ?? BRIEFING_CRON,
    window: schedule.window ?? (schedule.kind === 'briefing' ? 7 : 1) * 86_400_000,
  }));

/** `22:30` → minutes after midnight (1350). */
const timeOfDay = z
  .string({ error: 'must be a time of day in quotes, as HH:MM (e.g. "22:30")' })
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM, from 00:00 to 23:59 (e.g. "22:30")')
  .transform((value) => Number(value.slice(0, 2)) * 60 + Number(value.slice(3)));

/** A word or phrase to look for in a story; it must keep a letter or digit once punctuation is set aside. */
const term = z
  .string({ error: 'must be a word or phrase in quotes' })
  .trim()
  .refine((value) => /[\p{L}\p{N}]/u.test(value), 'must contain a letter or digit');

/** A story alerts when it carries `theme` and one of `any` (and one of `entities`, when given), told by `minOutlets` outlets. */
export const alertRuleSchema = z.strictObject({
  theme: themeId,
  any: z.array(term, { error: 'must be a list of words or phrases, e.g. [strike, ataque, bombardeio]' }).min(1, 'list at least one term'),
  entities: z.array(term).min(1, 'list at least one name, or leave `entities` out').optional(),
  minOutlets: z.number().int().min(1).max(50).default(1),
});

/** No alert is posted in [from, to) of the destination's time zone; the span may cross midnight. */
export const quietHoursSchema = z
  .strictObject({ from: timeOfDay, to: timeOfDay })
  .refine((value) => value.from !== value.to, 'from and to must differ (to silence alerts for good, use mutedUntil)');

export const alertVelocitySchema = z.strictObject({
  /** Distinct outlets that must carry the story… */
  outlets: z.number().int().min(2, 'must be at least 2 (one outlet is not velocity; use a rule)').max(50).default(3),
  /** …within this many hours. */
  withinHours: z.number().positive().max(48, 'must be at most 48 hours (older news is the digest\'s)').default(3),
});

/**
 * One destination's priority alerts, between digests: when a story counts as one (velocity, rules,
 * the LLM's importance), how many may go out per hour, and when none may.
 */
export const alertDestinationSchema = z.strictObject({
  /** Names the alert destination in logs and the outbox. */
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'use letters, digits, - and _ (at most 64)'),
  destination: destinationSchema.optional(),
  /** Quiet hours and the alert's times are read in this zone. */
  timezone: timeZone.default('UTC'),
  language: language.default('es'),
  /** Themes whose fast-spreading stories alert (velocity); all when absent. Rules name their own theme. */
  themes: z.array(themeId).min(1, 'list at least one theme, or leave `themes` out for all of them').default([...THEME_IDS]),
  velocity: alertVelocitySchema.default(() => alertVelocitySchema.parse({})),
  rules: z.array(alertRuleSchema).default([]),
  /** With an `llm` section: alert when the model scores a story's importance at least this, naming the fact. */
  importance: z.number().min(0).max(1, 'must be between 0 and 1 (e.g. 0.8)').optional(),
  /** Alerts per rolling hour; the ones over it wait for the next hour or the digest. */
  maxPerHour: z.number().int().min(1).max(60).default(4),
  quietHours: quietHoursSchema.optional(),
  /** No alert before this time (ISO 8601 with a zone): the stories go to the digest instead. */
  mutedUntil: z.iso
    .datetime({ offset: true, error: 'must be a date and time with a zone, e.g. "2026-12-01T08:00:00-04:00" or "…Z"' })
    .transform((value) => Date.parse(value))
    .optional(),
});

/** The optional HTTP listener for /healthz and /metrics: off unless a port is given; loopback by default. */
export const healthSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).describe('0 picks a free port'),
  host: z.string().trim().min(1).default('127.0.0.1'),
});

export const configSchema = z.strictObject({
  /** A SQLite file, or a postgres:// URL. */
  database: z
    .string()
    .min(1)
    .default('data/sancocho.db')
    .superRefine((database, ctx) => {
      const problem = databaseProblem(database);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
  polling: pollingSchema.default(() => pollingSchema.parse({})),
  feeds: z.array(feedSchema).default([]),
  llm: llmSchema.optional(),
  health: healthSchema.optional(),
  /** The bot's gateway: `shards` (a number or `auto`) runs discord.js's own sharding. */
  discord: z.strictObject({ shards: shardCountSchema.optional() }).optional(),
  /**
   * How long a digester's claim on a digest slot or lease on an outbox part holds before another
   * worker may take it over (renewed every third of it while held); default 30 s.
   */
  delivery: z.strictObject({ leaseSeconds: seconds(3600, 'an hour').optional() }).optional(),
  digests: z
    .array(digestScheduleSchema)
    .default([])
    .superRefine((schedules, ctx) => {
      const seen = new Set<string>();
      schedules.forEach((schedule, index) => {
        if (seen.has(schedule.name)) {
          ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `digest schedule "${schedule.name}" is listed twice` });
        }
        seen.add(schedule.name);
      });
    }),
  alerts: z
    .array(alertDestinationSchema)
    .default([])
    .superRefine((alerts, ctx) => {
      const seen = new Set<string>();
      alerts.forEach((alert, index) => {
        if (seen.has(alert.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `alert destination "${alert.name}" is listed twice` });
        seen.add(alert.name);
      });
    }),
}).superRefine((config, ctx) => {
  config.alerts.forEach((alert, index) => {
    if (alert.importance !== undefined && !config.llm) {
      ctx.addIssue({ code: 'custom', path: ['alerts', index, 'importance'], message: 'needs an `llm` section: the importance score comes from the model' });
    }
  });
});

export type SancochoConfig = z.infer<typeof configSchema>;
export type PollingConfig = z.infer<typeof pollingSchema>;
export type LlmConfig = z.infer<typeof llmSchema>;
export type FeedConfig = z.infer<typeof feedSchema>;
export type DigestScheduleConfig = z.infer<typeof digestScheduleSchema>;
export type DestinationConfig = z.infer<typeof destinationSchema>;
export type HealthConfig = z.infer<typeof healthSchema>;
export type AlertDestinationConfig = z.infer<typeof alertDestinationSchema>;
export type AlertRuleConfig = z.infer<typeof alertRuleSchema>;
export type QuietHoursConfig = z.infer<typeof quietHoursSchema>;
