/** Module hooks for record-loaded-modules.mjs: write each resolved URL, then resolve as usual. */
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (process.env.LOADED_MODULES_LOG) appendFileSync(process.env.LOADED_MODULES_LOG, `${resolved.url}\n`);
  return resolved;
}
