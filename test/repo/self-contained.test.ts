import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

// A clone on its own has no sibling folders: a path that climbs out of the repository breaks
// `npm install && npm test` for anyone who clones from a forge.
const leavesTheRepo = /\.\.\/shared|['"]\.\.['"],\s*['"]shared['"]/;

describe('the repository is self-contained', () => {
  it('no source, test, demo or the README reads a folder beside the repository', () => {
    const files = [
      ...['src', 'test', 'demo', 'config', 'prompts', 'bin'].flatMap((dir) => filesUnder(path.join(repoRoot, dir))),
      ...['README.md', 'package.json', 'vitest.config.ts', 'Dockerfile', '.ci/run'].map((file) => path.join(repoRoot, file)),
    ].filter((file) => file !== fileURLToPath(import.meta.url) && !file.includes(`${path.sep}fixtures${path.sep}`));
    const offenders = files.filter((file) => leavesTheRepo.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => path.relative(repoRoot, file))).toEqual([]);
  });
});
