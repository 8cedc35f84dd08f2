import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

let id: string | undefined;

/**
 * This process's name as a lease owner: host and pid for people, plus a random suffix, because a
 * restarted container comes back with the same host name and pid 1.
 */
export function workerId(): string {
  id ??= `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  return id;
}
