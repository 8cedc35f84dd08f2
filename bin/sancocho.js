#!/usr/bin/env -S node --max-semi-space-size=1 --heap-growing-percent=20
// The launcher gives V8 a 1 MB semi-space (its default grows to 16 MB per semi-space) and lets
// the old generation grow by 20 % between full collections (V8 picks up to 4×): a first poll cycle's
// peak RSS is about 30 MB lower for a few percent of CPU (README, Performance §5). A flag cannot be set
// from inside a running process, hence here; `npm start` and the Docker image, which run
// `node bin/sancocho.js`, pass the same flags themselves (NODE_OPTIONS refuses the second).
import { runCli } from '../dist/cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
