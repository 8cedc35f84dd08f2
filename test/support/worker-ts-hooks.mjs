/**
 * Module hooks for worker threads started from TypeScript sources under vitest: vitest compiles
 * what the tests import, but a worker thread loads its entry with Node itself. A `.js` specifier
 * that does not exist resolves to the `.ts` beside it (as tsc maps them), and `.ts` files are
 * transpiled on load. The built package (dist/) never needs this.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

let vite;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.endsWith('.js')) throw error;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  // vite's own TypeScript transform (oxc): a fraction of a second to load, where the compiler takes seconds.
  vite ??= await import('vite');
  const filename = fileURLToPath(url);
  const { code } = await vite.transformWithOxc(await readFile(filename, 'utf8'), filename);
  return { format: 'module', source: code, shortCircuit: true };
}
