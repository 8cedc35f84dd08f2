/**
 * A sliding-window limit per key (a Discord user): at most `limit` uses per `windowMs`.
 * Pure apart from the clock it is given, so tests drive time by hand.
 */
export function createRateLimiter(options: { limit: number; windowMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const uses = new Map<string, number[]>();
  return {
    /** Records a use and returns 0, or returns how many ms to wait when the key is over its limit. */
    take(key: string): number {
      const at = now();
      const recent = (uses.get(key) ?? []).filter((time) => at - time < options.windowMs);
      if (recent.length >= options.limit) {
        uses.set(key, recent);
        return options.windowMs - (at - (recent[0] as number));
      }
      recent.push(at);
      uses.set(key, recent);
      return 0;
    },
  };
}
