import cron from 'node-cron';
import { z } from 'zod';
import { LANGUAGES } from '../core/types.js';

const language = z.enum(LANGUAGES);

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

export const feedSchema = z.strictObject({
  url: httpUrl,
  name: z.string().trim().min(1, 'must not be empty'),
  language: language.optional(),
  interval: z.number().int().min(1).max(7 * 24 * 60).optional().describe('minutes between polls'),
});

export const pollingSchema = z.strictObject({
  /** node-cron expression for the poll cycle; each feed is polled only when it is due. */
  schedule: cronExpression.default('*/5 * * * *'),
  /** Minutes between polls of a feed that sets no interval of its own. */
  defaultInterval: z.number().int().min(1).default(30),
  concurrency: z.number().int().min(1).max(256).default(8),
  perHostConcurrency: z.number().int().min(1).max(64).default(2),
  connectTimeoutSeconds: z.number().positive().default(10),
  timeoutSeconds: z.number().positive().default(30),
  maxBodyBytes: z.number().int().min(1024).default(10 * 1024 * 1024),
  maxRedirects: z.number().int().min(0).max(20).default(5),
  /** Consecutive failures after which a feed is marked failing and polled only every `failingInterval` minutes. */
  failingAfter: z.number().int().min(1).default(10),
  failingInterval: z.number().int().min(1).default(24 * 60),
  /** Ceiling for the exponential backoff after errors, in minutes. */
  maxBackoff: z.number().int().min(1).default(12 * 60),
});

/** Present only when an OpenAI-compatible server should classify; the key comes from OPENAI_API_KEY. */
export const llmSchema = z.strictObject({
  baseURL: httpUrl.optional().describe('omit for OpenAI itself'),
  model: z.string().min(1),
  timeoutSeconds: z.number().positive().default(60),
  batchSize: z.number().int().min(1).max(100).default(20),
  maxRetries: z.number().int().min(0).max(10).default(3),
  /** Longest wait honoured from a Retry-After header before giving up on the batch (seconds). */
  maxRetryAfterSeconds: z.number().positive().default(60),
  /** Tokens per UTC day; past it the offline classifier takes over until midnight. */
  dailyTokenBudget: z.number().int().min(0).default(500_000),
  /** Items in which the offline stage finds no regional signal are not sent. */
  skipWithoutRegionalSignal: z.boolean().default(true),
  maxItemChars: z.number().int().min(100).default(1500),
});

export const configSchema = z.strictObject({
  database: z.string().min(1).default('data/sancocho.db'),
  polling: pollingSchema.default(() => pollingSchema.parse({})),
  feeds: z.array(feedSchema).default([]),
  llm: llmSchema.optional(),
});

export type SancochoConfig = z.infer<typeof configSchema>;
export type PollingConfig = z.infer<typeof pollingSchema>;
export type LlmConfig = z.infer<typeof llmSchema>;
export type FeedConfig = z.infer<typeof feedSchema>;
