/**
 * How long a stop waits for a feed, the LLM or Discord to answer what is in flight before cutting
 * it short. Docker sends SIGKILL 10 s after SIGTERM; closing up after this takes well under 1 s.
 */
export const STOP_GRACE_MS = 3000;

/**
 * The first SIGINT or SIGTERM, for long-running commands to shut down cleanly; `dispose` gives the
 * signals back (start-up failed, or done), so a failed command leaves no listener behind.
 */
export function stopSignal(): { received: Promise<NodeJS.Signals>; dispose(): void } {
  let dispose = () => undefined as void;
  const received = new Promise<NodeJS.Signals>((resolve) => {
    const done = (signal: NodeJS.Signals) => {
      dispose();
      resolve(signal);
    };
    dispose = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  return { received, dispose };
}
