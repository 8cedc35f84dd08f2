import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Bytes of a fixture under test/fixtures/feeds/. */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(path.join(repoRoot, 'test/fixtures/feeds', name));
}

/** A UTF-8 fixture as text. */
export function fixtureText(name: string): string {
  return fixtureBytes(name).toString('utf8');
}
