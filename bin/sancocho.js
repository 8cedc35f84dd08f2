#!/usr/bin/env -S node --max-semi-space-size=2
// The launcher gives V8 a 2 MB young generation instead of its default of up to 16 MB per semi-space:
// a first poll cycle's peak RSS is about 20 MB lower for no measurable CPU (README, Performance §5).
// A flag cannot be set from inside a running process, hence here; `npm start` and the Docker image,
// which run `node bin/sancocho.js`, pass it themselves.
import { runCli } from '../dist/cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
