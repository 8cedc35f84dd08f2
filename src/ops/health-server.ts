import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthConfig, PollingConfig } from '../config/config-schema.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { DiscordStateCell } from './discord-state.js';
import { evaluateHealth, type HealthInput, type HealthReport, type LlmHealth } from './health-check.js';
import type { Metrics } from './metrics.js';
import type { StatusFeedReader } from './ports.js';
import { readStatus, refusedDestinations, type StatusSource } from './status-report.js';

/** What the listener reads: the feeds and the outbox (through the store), the polling settings, Discord, metrics. */
export interface HealthContext extends StatusSource {
  config: { health?: HealthConfig | undefined } & StatusSource['config'];
  store: StatusSource['store'] & { feeds: StatusFeedReader };
  polling: Pick<PollingConfig, 'defaultInterval'>;
  discordState: Pick<DiscordStateCell, 'get'>;
  metrics: Metrics;
  logger: Logger;
  /** This process as a worker (role and lease owner id) and its store engine, shown by /healthz. */
  worker?: { id: string; role: string } | undefined;
  engine?: 'sqlite' | 'postgres' | undefined;
  /** The LLM client, when one is configured: its state is a detail of /healthz. */
  llm?: { state(): Promise<LlmHealth> } | undefined;
}

export interface HealthServer {
  /** e.g. http://127.0.0.1:9464 */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the HTTP listener for `/healthz` (JSON, 200 or 503) and `/metrics` (Prometheus text) when
 * the configuration has a `health` section; resolves to null when it has none. A port that cannot
 * be bound stops start-up with a ConfigError naming it.
 */
export async function startHealthServer(ctx: HealthContext): Promise<HealthServer | null> {
  const settings = ctx.config.health;
  if (!settings) return null;
  const startedAt = Date.now();
  const log = ctx.logger.child({ module: 'health-server' });
  ctx.metrics.collectProcessMetrics();
  ctx.metrics.watchDestinations(async () => (await readStatus(ctx, Date.now())).destinations.map((line) => ({ destination: line.key, refused: line.last.kind === 'refused' })));

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'health-server: request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://health').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/healthz') {
      const report = await healthReport(ctx, startedAt, Date.now());
      if (report.status !== 'ok') log.warn({ checks: report.checks }, 'health-server: unhealthy');
      res.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(report));
      return;
    }
    if (path === '/metrics') {
      const { registry } = ctx.metrics;
      if (!registry) throw new Error('health-server: the metrics were created without a registry, though a health port is configured');
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
  }

  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new ConfigError(`health: cannot listen on ${settings.host}:${settings.port} (${error.code ?? error.message})`, { cause: error })),
    );
    server.listen(settings.port, settings.host, () => resolve(server.address() as AddressInfo));
  });
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url }, `health-server: listening on ${url} (/healthz, /metrics)`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Reads the state the rules need; a database that cannot answer is a failed check, not a crash. */
async function healthReport(ctx: HealthContext, startedAt: number, now: number): Promise<HealthReport> {
  const read = async <T>(reader: () => T | Promise<T>): Promise<T | { error: string }> => {
    try {
      return await reader();
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
  const feeds: HealthInput['feeds'] = await read(() => ctx.store.feeds.enabled());
  const refused: HealthInput['refused'] = await read(async () => refusedDestinations(await readStatus(ctx, now)));
  return evaluateHealth({
    now,
    startedAt,
    feeds,
    defaultIntervalMinutes: ctx.polling.defaultInterval,
    discord: ctx.discordState.get(),
    refused,
    llm: await ctx.llm?.state(),
    worker: ctx.worker && ctx.engine ? { ...ctx.worker, engine: ctx.engine, leasesHeld: ctx.metrics.leasesHeld() } : undefined,
  });
}
