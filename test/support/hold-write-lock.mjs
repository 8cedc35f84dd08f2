// A second writer on a Sancocho database, as another process would be: on "lock" (stdin) it begins
// an IMMEDIATE transaction and writes, prints "locked", holds the write lock for the given
// milliseconds, commits and prints "released". Usage: node hold-write-lock.mjs DATABASE HOLD_MS
import Database from 'better-sqlite3';
import { createInterface } from 'node:readline';

const [file, holdMs] = process.argv.slice(2);
const db = new Database(file);
db.pragma('busy_timeout = 5000');
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'lock') continue;
  db.exec('BEGIN IMMEDIATE');
  db.prepare('UPDATE feeds SET interval_minutes = interval_minutes').run();
  process.stdout.write('locked\n');
  await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
  db.exec('COMMIT');
  process.stdout.write('released\n');
  break;
}
db.close();
