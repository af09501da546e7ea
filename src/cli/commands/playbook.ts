import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import type { PlaybookResult } from '../../playbook/index.ts';
import { installPlaybook } from '../../playbook/index.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';

/** The CLI's words for each kind of playbook item. */
const KIND_LABEL = {
  message_template: 'message template',
  coupon_template: 'coupon template',
  journey: 'journey',
} as const;

/** Prints what an install did: one line per item, then the totals. */
export function printPlaybookResult(result: PlaybookResult, workspace: string): void {
  printTable(result.items.map((i) => ({ kind: KIND_LABEL[i.kind], name: i.name, outcome: i.outcome })));
  console.log(
    `playbook in workspace "${workspace}": ${result.created} created, ${result.unchanged} unchanged, ${result.kept} kept as edited` +
      (result.items.some((i) => i.kind === 'journey' && i.outcome === 'created')
        ? ' — new journeys are paused: retain journeys resume NAME to turn each on'
        : ''),
  );
}

/** `retain playbook install`. */
export function registerPlaybookCommands(program: Command): void {
  const playbook = program
    .command('playbook')
    .description('the seed playbook: message templates, coupon templates and the example journeys');
  playbook
    .command('install')
    .description(
      'install the seed playbook into the workspace (journeys paused; what is already there is kept, so a second install changes nothing)',
    )
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const name: string = command.optsWithGlobals().workspace;
      await withWorkspace(name, async (store, workspace) => {
        const result = await installPlaybook(store.db, workspace, cliActor());
        if (opts.json) return printJson(result);
        printPlaybookResult(result, workspace.name);
      });
    });
}
