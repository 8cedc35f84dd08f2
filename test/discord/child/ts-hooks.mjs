// Module hooks that let a child process run the TypeScript sources directly, the way vitest does
// in-process: `.js` specifiers resolve to the `.ts` file beside them, and `.ts` files are
// transpiled (types dropped, nothing checked) with the Oxc transformer vite ships.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transformWithOxc } from 'vite';

export async function resolve(specifier, context, nextResolve) {
  if ((specifier.startsWith('.') || specifier.startsWith('file:')) && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  // A worker thread's entry (the feed parser's) has no parent: its .js is the .ts beside it.
  if (specifier.startsWith('file:') && specifier.endsWith('.js') && context.parentURL === undefined) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'));
    if (!existsSync(fileURLToPath(specifier)) && existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const { code } = await transformWithOxc(await readFile(fileName, 'utf8'), fileName, { sourcemap: false });
  return { format: 'module', source: code, shortCircuit: true };
}
