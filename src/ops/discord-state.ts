/**
 * The Discord connection state as the health check reads it. The Discord client sets it; it starts
 * `disabled` (preview and webhook modes keep no gateway connection, and that is healthy).
 */
export type DiscordState = 'disabled' | 'connecting' | 'ready' | 'disconnected';

export interface DiscordStateCell {
  get(): DiscordState;
  set(state: DiscordState): void;
}

export function createDiscordState(initial: DiscordState = 'disabled'): DiscordStateCell {
  let state = initial;
  return {
    get: () => state,
    set: (next) => {
      state = next;
    },
  };
}
