import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Read from package.json so the version and User-Agent never drift from the release. */
export const VERSION: string = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }
).version;
