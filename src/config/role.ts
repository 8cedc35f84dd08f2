import { z } from 'zod';

/** What one `sancocho start` process does; several processes with different roles share one PostgreSQL store. */
export const ROLES = ['all', 'poller', 'digester', 'bot'] as const;
export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES);

/**
 * A role as written on the command line or in SANCOCHO_ROLE: a tagged outcome, so each edge words
 * its own refusal (naming the flag or the variable).
 */
export function parseRole(value: string): { kind: 'ok'; role: Role } | { kind: 'invalid'; message: string } {
  const parsed = roleSchema.safeParse(value.trim());
  return parsed.success
    ? { kind: 'ok', role: parsed.data }
    : { kind: 'invalid', message: `must be one of ${ROLES.join(', ')} (got "${value}")` };
}
