import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/run-cli.js';
import { captureIO } from '../support/capture-io.js';

describe('the command registry', () => {
  it.each(COMMANDS.map((command) => [command.name, command] as const))(
    '%s: the summary in the command list is the command’s own description',
    async (name, command) => {
      const program = new Command();
      (await command.load())(program, captureIO({}));
      expect(program.commands.map((registered) => registered.name())).toEqual([name]);
      expect(program.commands[0]?.description()).toBe(command.summary);
    },
  );
});
