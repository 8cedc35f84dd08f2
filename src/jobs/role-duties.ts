import type { Role } from '../config/role.js';

/** What a `sancocho start` process runs, by its role. */
export interface RoleDuties {
  /** Poll cycles (claiming due feeds with a lease) and the classification that follows each. */
  poll: boolean;
  /** The digest schedules, the start-up catch-up and the outbox sending. */
  digest: boolean;
  /** The Discord gateway session and the slash commands. */
  gateway: boolean;
}

const DUTIES: Record<Role, RoleDuties> = {
  all: { poll: true, digest: true, gateway: true },
  poller: { poll: true, digest: false, gateway: false },
  digester: { poll: false, digest: true, gateway: false },
  bot: { poll: false, digest: false, gateway: true },
};

export function roleDuties(role: Role): RoleDuties {
  return DUTIES[role];
}

/**
 * The role a process takes: the flag, else SANCOCHO_ROLE, else `all`. On SQLite only one process
 * may run, so it must do everything: any other role is a refusal (its message), not a role.
 */
export function chooseRole(
  input: { flag: Role | undefined; environment: Role | undefined; engine: 'sqlite' | 'postgres' },
): { kind: 'ok'; role: Role } | { kind: 'refused'; message: string } {
  const role = input.flag ?? input.environment ?? 'all';
  if (input.engine === 'sqlite' && role !== 'all') {
    return {
      kind: 'refused',
      message: `start: role ${role} needs PostgreSQL; a SQLite database is served by one process with --role all (\`sancocho migrate\` moves it to PostgreSQL)`,
    };
  }
  return { kind: 'ok', role };
}
