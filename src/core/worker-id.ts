import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A process's name as an owner of claims and leases: host and pid say who to look for, and the
 * random tail keeps a restarted process with a reused pid (a container's pid 1) from taking its
 * predecessor's leases as its own.
 */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

let id: string | undefined;

/** This process's worker id, the same for all it claims. */
export function workerId(): string {
  id ??= newWorkerId();
  return id;
}

/**
 * The owner name of every process on an engine where only one may run at a time (SQLite's writer
 * lock): a process killed mid-send left its leases to the next one, which is the same worker and
 * takes them again at once instead of waiting for them to expire.
 */
export const SOLE_WORKER = 'the-only-process';
