// The `sancocho` binary for child-process tests: the real CLI, from the TypeScript sources.
import { runCli } from '../../../src/cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
