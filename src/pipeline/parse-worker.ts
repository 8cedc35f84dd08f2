/**
 * The worker thread behind createFeedParser: it parses one fetched body at a time, so a feed that
 * takes too long can be stopped (the thread is terminated) without stopping the bot.
 */
import { parentPort } from 'node:worker_threads';
import { parseFeedBody, type ParsedBody } from './parse-feed-body.js';
import type { NormalizeContext } from '../feeds/normalize-item.js';

export interface ParseJob {
  body: Uint8Array<ArrayBuffer>;
  contentType: string | null;
  context: NormalizeContext;
  maxItems: number;
}

export type WorkerReply = { kind: 'ready' } | { kind: 'done'; result: ParsedBody } | { kind: 'crashed'; message: string };

const port = parentPort;
if (port === null) throw new Error('parse-worker: must run as a worker thread');

port.on('message', (job: ParseJob) => {
  const body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
  parseFeedBody(body, job.contentType, job.context, job.maxItems).then(
    (result) => port.postMessage({ kind: 'done', result } satisfies WorkerReply),
    // A throw here is a bug: it is carried back and rethrown in the main thread.
    (error: unknown) => port.postMessage({ kind: 'crashed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply),
  );
});
port.postMessage({ kind: 'ready' } satisfies WorkerReply);
