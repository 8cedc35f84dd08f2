import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { NormalizeContext } from '../feeds/normalize-item.js';
import type { ParsedBody } from './parse-feed-body.js';
import type { ParseJob, WorkerReply } from './parse-worker.js';

/**
 * Parsing and normalizing with a CPU budget. Bodies go to a small pool of long-lived worker
 * threads; a body still being parsed when its budget runs out gets its thread terminated and comes
 * back as `parse-timeout`, so one hostile or pathological feed costs one budget, never the bot.
 * The budget starts when a thread takes the body, not while it waits in the queue.
 */

export type ParseTimeout = { status: 'error'; kind: 'parse-timeout'; message: string };

export interface FeedParser {
  /** Takes the body over: a Buffer that owns its memory moves to the thread and is empty afterwards. */
  parse(body: Buffer, contentType: string | null, context: NormalizeContext, maxItems: number): Promise<ParsedBody | ParseTimeout>;
  /** Stops the threads; bodies still queued are rejected. */
  close(): Promise<void>;
}

/** A worker thread failed to start or a parse threw: a bug, not something a feed did. */
export class FeedParserError extends Error {
  override readonly name = 'FeedParserError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A 10 MB feed of 50 000 items (the newest 1000 kept) parses in 3–4 s on a busy 2-core machine: far more is not a real feed. */
export const DEFAULT_PARSE_BUDGET_MS = 20_000;
/**
 * Parsing is CPU work: more threads than cores only makes each one slower, and the main thread
 * (fetching, storing) needs a core of its own; one parse thread keeps up with it on two cores (it
 * was idle three quarters of a first cycle with two), and each thread costs 25–35 MB of memory.
 */
const DEFAULT_THREADS = Math.max(1, Math.min(2, availableParallelism() - 1));
/**
 * A small young generation: a parse's garbage dies young, and V8's default (up to 48 MB per
 * thread) mostly held memory the thread did not need. The old generation keeps Node's default so
 * a 10 MB feed still parses.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 4 };
// From sources (tests), the .js is not there; the test runner's loader resolves it to the .ts beside it.
const WORKER_URL = new URL('./parse-worker.js', import.meta.url);

interface Job {
  request: ParseJob;
  resolve(result: ParsedBody | ParseTimeout): void;
  reject(error: Error): void;
}

interface Slot {
  run(job: Job): void;
}

export function createFeedParser(options: { budgetMs?: number; threads?: number } = {}): FeedParser {
  const budgetMs = options.budgetMs ?? DEFAULT_PARSE_BUDGET_MS;
  const threads = options.threads ?? DEFAULT_THREADS;
  const queue: Job[] = [];
  const idle: Slot[] = [];
  const workers = new Set<Worker>();
  let starting = 0;
  let busy = 0;
  let closed = false;

  /** Threads keep the process alive only while there is work, so a CLI run ends when its feeds are done. */
  function holdProcess(): void {
    const working = busy > 0 || queue.length > 0;
    for (const worker of workers) {
      if (working) worker.ref();
      else worker.unref();
    }
  }

  function pump(): void {
    while (queue.length > 0 && idle.length > 0) idle.pop()!.run(queue.shift()!);
    while (!closed && queue.length > starting && workers.size < threads) startThread();
    holdProcess();
  }

  function startThread(): void {
    starting++;
    const worker = new Worker(WORKER_URL, { resourceLimits: THREAD_LIMITS });
    workers.add(worker);
    let ready = false;
    let current: { job: Job; timer: NodeJS.Timeout } | null = null;

    const retire = (): void => {
      if (!workers.delete(worker)) return;
      if (!ready) starting--;
      const index = idle.indexOf(slot);
      if (index !== -1) idle.splice(index, 1);
      void worker.terminate();
    };
    const finish = (): Job | null => {
      if (current === null) return null;
      const { job, timer } = current;
      clearTimeout(timer);
      current = null;
      busy--;
      return job;
    };

    const slot: Slot = {
      run(job) {
        busy++;
        const timer = setTimeout(() => {
          finish();
          retire();
          job.resolve({
            status: 'error',
            kind: 'parse-timeout',
            message: `Parsing the feed took longer than ${budgetMs / 1000} s, so it was stopped.`,
          });
          pump();
        }, budgetMs);
        current = { job, timer };
        worker.postMessage(job.request, [job.request.body.buffer]);
      },
    };

    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'ready') {
        ready = true;
        starting--;
        idle.push(slot);
        return pump();
      }
      const job = finish();
      idle.push(slot);
      if (reply.kind === 'done') job?.resolve(reply.result);
      else job?.reject(new FeedParserError(`feed-parser: parsing threw: ${reply.message}`));
      pump();
    });
    worker.on('error', (error) => {
      const job = finish();
      const wasReady = ready;
      retire();
      const failure = new FeedParserError(`feed-parser: a parse thread failed: ${error.message}`, { cause: error });
      job?.reject(failure);
      // A thread that cannot even start will not start the next time either: fail what waits for it.
      if (!wasReady) for (const waiting of queue.splice(0)) waiting.reject(failure);
      pump();
    });
    worker.on('exit', (code) => {
      retire();
      finish()?.reject(new FeedParserError(`feed-parser: a parse thread exited (code ${code}) while parsing`));
      pump();
    });
  }

  return {
    parse(body, contentType, context, maxItems) {
      if (closed) return Promise.reject(new FeedParserError('feed-parser: parse() after close()'));
      return new Promise((resolve, reject) => {
        queue.push({ request: { body: ownMemory(body), contentType, context, maxItems }, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      const stopped = new FeedParserError('feed-parser: closed');
      for (const job of queue.splice(0)) job.reject(stopped);
      await Promise.all([...workers].map((worker) => worker.terminate()));
    },
  };
}

/**
 * The body as bytes that can move to a thread without a copy: its own memory when the Buffer owns
 * all of it (a fetched body larger than Node's 4 KB pool slices), else a copy, since a slice of the
 * shared pool cannot be transferred.
 */
function ownMemory(body: Buffer): Uint8Array<ArrayBuffer> {
  const whole = body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  return whole ? new Uint8Array(body.buffer as ArrayBuffer) : new Uint8Array(body);
}
