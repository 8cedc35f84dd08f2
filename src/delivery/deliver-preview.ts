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
 * digest after a crash overwrites its file, atomically. A part's attachment (a briefing's chart)
 * is written beside it under its own name.
 */
export function createPreviewSender(options: { out: NodeJS.WritableStream; dir: string }) {
  return async function preview(payload: OutboxPayload): Promise<DeliveryOutcome> {
    if (payload.type !== 'markdown') return { kind: 'rejected', reason: 'preview: expected a Markdown payload' };
    try {
      await mkdir(options.dir, { recursive: true });
      // The attachment first: the Markdown links it, so it is there when the Markdown is.
      if (payload.file) await writeAtomically(path.join(options.dir, path.basename(payload.file.name)), payload.file.bytes);
      const file = path.join(options.dir, payload.fileName);
      await writeAtomically(file, payload.markdown);
      const image = payload.file ? ` and ${path.join(options.dir, path.basename(payload.file.name))}` : '';
      options.out.write(`${payload.markdown.trimEnd()}\n\n(saved to ${file}${image})\n\n`);
      return { kind: 'sent', messageId: file };
    } catch (error) {
      return { kind: 'retry', reason: `preview: cannot write to ${options.dir}: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
}

async function writeAtomically(file: string, data: string | Buffer): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}
