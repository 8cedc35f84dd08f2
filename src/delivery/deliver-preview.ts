import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { databaseTarget } from '../config/database-target.js';
import type { DeliveryOutcome, OutboxPayload } from './deliverer.js';

/** `data/digests/` next to the database file (the working directory's `data/` for an in-memory one or a server). */
export function previewDirectory(database: string): string {
  const target = databaseTarget(database);
  return target.kind === 'postgres' || target.file === ':memory:'
    ? path.resolve('data', 'digests')
    : path.join(path.dirname(path.resolve(target.file)), 'digests');
}

/**
 * Preview "delivery": the digest's Markdown is printed to the terminal and written to a file in
 * `dir` (data/digests/ by default). The file path stands in for the message id. Rewriting the same
 * digest after a crash overwrites its file, atomically.
 */
export function createPreviewSender(options: { out: NodeJS.WritableStream; dir: string }) {
  return async function preview(payload: OutboxPayload): Promise<DeliveryOutcome> {
    if (payload.type !== 'markdown') return { kind: 'rejected', reason: 'preview: expected a Markdown payload' };
    try {
      await mkdir(options.dir, { recursive: true });
      const file = path.join(options.dir, payload.fileName);
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, payload.markdown, 'utf8');
      await rename(temporary, file);
      options.out.write(`${payload.markdown.trimEnd()}\n\n(saved to ${file})\n\n`);
      return { kind: 'sent', messageId: file };
    } catch (error) {
      return { kind: 'retry', reason: `preview: cannot write to ${options.dir}: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
}
