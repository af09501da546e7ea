import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES } from './command-table.ts';
import { buildProgram } from './program.ts';

describe('the light command table', () => {
  it('summarizes exactly what each command module registers, in help order', async () => {
    const help = new Help();
    for (const module of COMMAND_MODULES) {
      const program = new Command('retain');
      for (const register of await module.load()) register(program);
      const registered = program.commands.map((c) => [c.name(), help.subcommandTerm(c), c.description()]);
      expect(registered).toEqual(module.commands);
    }
  });

  it('lists every command in --help with no module loaded, and loads the one asked about', async () => {
    const summaries = await buildProgram(['--help']);
    const text = summaries.helpInformation();
    for (const { commands } of COMMAND_MODULES)
      for (const [, term] of commands) expect(text).toContain(`  ${term} `);
    // `retain help rfm` and `retain rfm --help` show the real command with its options.
    for (const args of [
      ['help', 'rfm'],
      ['rfm', '--help'],
      ['-w', 'shop', 'rfm'],
    ]) {
      const rfm = (await buildProgram(args)).commands.find((c) => c.name() === 'rfm')!;
      expect(rfm.options.map((o) => o.long)).toContain('--as-of');
    }
  });
});
