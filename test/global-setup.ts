import { execFileSync } from 'node:child_process';

/** The CLI smoke tests run the built `bin/sancocho.js`, so compile src/ once before any test. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
