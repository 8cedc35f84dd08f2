import { fork } from 'node:child_process';
import { generateFeed } from './generate-feed.js';

/** The feeds a poll benchmark serves: `feeds` RSS documents of `itemsPerFeed` items on `hosts` loopback ports. */
export interface BenchFeedSpec {
  feeds: number;
  hosts: number;
  itemsPerFeed: number;
  latencyMs: number;
  /** Prefix of the feeds' ids, which keeps links and guids unique across feeds. */
  idPrefix: string;
}

export type FeedPeerMessage = { kind: 'ready'; urls: string[] } | { kind: 'counts'; bodyBytes: number; requests: number };

export interface BenchFeedPeer {
  readonly urls: string[];
  /** Response body bytes written so far (304s write none) and requests answered. */
  counts(): Promise<{ bodyBytes: number; requests: number }>;
  close(): Promise<void>;
}

/** The documents of a spec, the same on every call (the replay parses what the peer served). */
export function benchFeedBodies(spec: BenchFeedSpec): Buffer[] {
  return Array.from({ length: spec.feeds }, (_, index) =>
    Buffer.from(generateFeed('rss', spec.itemsPerFeed, { seed: index + 1, id: `${spec.idPrefix}${index}` })),
  );
}

/**
 * The loopback feed server of bench-feed-server.ts in a child process (bench-feed-process.ts), so
 * the process being measured holds only what the product holds: not the generated bodies, nor
 * the server's sockets and buffers, nor its share of the CPU on the main thread.
 */
export async function startBenchFeedProcess(spec: BenchFeedSpec): Promise<BenchFeedPeer> {
  const child = fork(new URL('./bench-feed-process.js', import.meta.url), [JSON.stringify(spec)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`bench-feed-peer: the feed server process exited (code ${code})`))));
  exited.catch(() => undefined);
  const next = <K extends FeedPeerMessage['kind']>(kind: K) =>
    Promise.race([
      new Promise<Extract<FeedPeerMessage, { kind: K }>>((resolve) => {
        const listen = (message: FeedPeerMessage) => {
          if (message.kind !== kind) return;
          child.off('message', listen);
          resolve(message as Extract<FeedPeerMessage, { kind: K }>);
        };
        child.on('message', listen);
      }),
      exited,
    ]);
  const { urls } = await next('ready');
  return {
    urls,
    counts: async () => {
      const answer = next('counts');
      child.send('counts');
      const { bodyBytes, requests } = await answer;
      return { bodyBytes, requests };
    },
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // A child that lost its channel (it is dying) is ended by a signal instead.
      if (child.connected) child.disconnect();
      else child.kill();
      await gone;
    },
  };
}
