import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holdWriterLock } from '../../../src/store/hold-writer-lock.js';
import { DatabaseError } from '../../../src/core/errors.js';
import { TEST_DATABASE_URL, createTestSchema, type TestSchema } from '../../support/postgres-test-schema.js';

// PostgreSQL only: the SQLite file lock has its own tests (test/cli/single-writer.test.ts).
describe.skipIf(!TEST_DATABASE_URL)('one long-running writer per PostgreSQL schema', () => {
  let schema: TestSchema;
  let other: TestSchema;
  const held: { release(): Promise<void> | void }[] = [];
  beforeEach(async () => {
    [schema, other] = await Promise.all([createTestSchema(), createTestSchema()]);
  });
  afterEach(async () => {
    for (const lock of held.splice(0)) await lock.release();
    await Promise.all([schema.drop(), other.drop()]);
  });

  it('refuses a second writer, naming the first by command, pid and host', async () => {
    held.push(await holdWriterLock(schema.url, 'start'));
    const refusal = await holdWriterLock(schema.url, 'fetch').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DatabaseError);
    expect((refusal as Error).message).toContain(`is in use by \`sancocho start\` (pid ${process.pid} on ${hostname()}`);
  });

  it('lets the next writer in once the first released the lock', async () => {
    const first = await holdWriterLock(schema.url, 'start');
    await first.release();
    held.push(await holdWriterLock(schema.url, 'start'));
  });

  it('keeps schemas apart: a writer on one does not hold back a writer on another', async () => {
    held.push(await holdWriterLock(schema.url, 'start'));
    held.push(await holdWriterLock(other.url, 'start'));
  });

  it('never shows the password of the URL it names', async () => {
    const url = new URL(schema.url);
    url.password = 's3cret';
    held.push(await holdWriterLock(schema.url, 'start'));
    const refusal = await holdWriterLock(url.toString(), 'start').catch((error: unknown) => error);
    expect((refusal as Error).message).not.toContain('s3cret');
    expect((refusal as Error).message).toContain('is in use by');
  });
});
