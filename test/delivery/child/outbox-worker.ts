// A digester as its own process, for tests: sends what the outbox of a PostgreSQL schema holds, as
// the every-minute flush of `start` does, until nothing is pending, then prints how many parts it
// sent. Arguments: database URL, fake Discord API base, worker name.
import { PassThrough } from 'node:stream';
import { readEnvironment } from '../../../src/config/environment.js';
import { digestScheduleSchema } from '../../../src/config/config-schema.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createDigestRunner } from '../../../src/delivery/digest-runner.js';
import { createDeliverer } from '../../../src/discord/create-deliverer.js';
import { createMetrics } from '../../../src/ops/metrics.js';
import { createPgPool } from '../../../src/store/postgres/pg-pool.js';
import { createPostgresStore } from '../../../src/store/postgres/postgres-store.js';

const [url, api, name, webhookUrl] = process.argv.slice(2) as [string, string, string, string];
const pool = createPgPool(url, { max: 4 });
const setup = await createDeliverer({ discord: readEnvironment({ DISCORD_API_BASE: api }).discord, logger: silentLogger(), out: new PassThrough(), previewDir: '.', hasWebhooks: true });
if (setup.kind !== 'ok') throw new Error(setup.message);
const metrics = createMetrics();
const runner = createDigestRunner({
  store: createPostgresStore(pool),
  logger: silentLogger(),
  schedules: [digestScheduleSchema.parse({ name: 'daily', cron: '0 8 * * *', destination: { webhookUrl } })],
  deliverer: setup.deliverer,
  metrics,
  workerId: name,
});
for (let round = 0; round < 2_000 && (await runner.pendingDigests()).length > 0; round++) {
  await runner.flush();
  await new Promise((resolve) => setTimeout(resolve, 1));
}
const sent = Number(/sancocho_digest_parts_sent_total\{[^}]*\} (\d+)/.exec(await metrics.registry.metrics())?.[1] ?? 0);
process.stdout.write(`${JSON.stringify({ name, sent })}\n`);
await runner.stop();
await setup.deliverer.close();
await pool.end();
