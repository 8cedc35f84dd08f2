/**
 * The poll benchmark's loopback feed server in a process of its own, forked by
 * startBenchFeedProcess: generates the feeds (deterministic, as generateFeed makes them), serves
 * them with bench-feed-server.ts, says `ready` with the URLs, answers `counts`, and exits when its
 * parent disconnects. Out of the measured process, its bodies and sockets are not in its memory.
 */
import { startBenchFeedServer } from './bench-feed-server.js';
import { benchFeedBodies, type BenchFeedSpec, type FeedPeerMessage } from './bench-feed-peer.js';

const spec = JSON.parse(process.argv[2] ?? 'null') as BenchFeedSpec | null;
if (spec === null || process.send === undefined) throw new Error('bench-feed-process: must be forked with a feed spec');
const send = (message: FeedPeerMessage) => process.send?.(message);

const server = await startBenchFeedServer({ bodies: benchFeedBodies(spec), hosts: spec.hosts, latencyMs: spec.latencyMs });
process.on('message', (message: unknown) => {
  if (message === 'counts') send({ kind: 'counts', bodyBytes: server.bodyBytes(), requests: server.requests() });
});
process.once('disconnect', () => {
  void server.close().then(() => process.exit(0));
});
send({ kind: 'ready', urls: server.urls });
