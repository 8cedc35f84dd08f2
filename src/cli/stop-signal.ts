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
