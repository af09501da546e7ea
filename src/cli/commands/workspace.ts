import type { Command } from 'commander';
import { createWorkspace, listWorkspaces } from '../../workspaces/workspace-service.ts';
import { withStore } from '../context.ts';
import { printJson, printTable } from '../output.ts';

/** `retain workspace create|list`. */
export function registerWorkspaceCommands(program: Command): void {
  const workspace = program.command('workspace').description('manage workspaces (one per merchant or brand)');
  workspace
    .command('create')
    .description('create a workspace')
    .argument('<name>', 'workspace name')
    .option('--timezone <zone>', 'IANA time zone for local dates', 'Asia/Shanghai')
    .option('--currency <code>', 'ISO currency code', 'CNY')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { timezone: string; currency: string; json?: boolean }) => {
      const created = await withStore((store) =>
        createWorkspace(store.db, { name, timezone: opts.timezone, currency: opts.currency }),
      );
      if (opts.json) printJson(created);
      else console.log(`created workspace "${created.name}" (${created.timezone}, ${created.currency})`);
    });
  workspace
    .command('list')
    .description('list workspaces')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await withStore((store) => listWorkspaces(store.db));
      if (opts.json) printJson(rows);
      else
        printTable(
          rows.map(({ name, timezone, currency, created_at }) => ({ name, timezone, currency, created_at })),
        );
    });
}
