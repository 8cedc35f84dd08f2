import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * This process's name as an owner of claims and leases: host and pid say who to look for, and the
 * random tail keeps a restarted process with a reused pid from taking its predecessor's leases as its own.
 */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
