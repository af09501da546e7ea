import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import {
  changeSettings,
  createWorkspace,
  listWorkspaces,
  readSettings,
  updateWorkspace,
} from '../../workspaces/index.ts';
import { withStore, withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';

/** `retain workspace create|list|change|settings`. */
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
  workspace
    .command('change')
    .description('change the time zone or currency of a workspace (only before anything is imported into it)')
    .option('--timezone <zone>', 'IANA time zone, e.g. Europe/Berlin')
    .option('--currency <code>', 'ISO currency code, e.g. EUR')
    .action(async (opts: { timezone?: string; currency?: string }, command: Command) => {
      if (opts.timezone === undefined && opts.currency === undefined)
        throw new InvalidInputError('give --timezone or --currency');
      await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
        const changed = await updateWorkspace(store.db, ws, cliActor(), {
          timezone: opts.timezone,
          currency: opts.currency,
        });
        console.log(`workspace "${changed.name}": ${changed.timezone}, ${changed.currency}`);
      });
    });
  workspace
    .command('settings')
    .description('show the workspace settings (with defaults filled in), or change them with --set')
    .option('--set <path=value...>', 'e.g. points.enabled=true, points.member_days=[18], tiers.grace_days=60')
    .action(async (opts: { set?: string[] }, command: Command) => {
      await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
        const assignments = (opts.set ?? []).map((assignment) => {
          const at = assignment.indexOf('=');
          if (at <= 0) throw new InvalidInputError(`--set ${assignment}: expected path=value`);
          const text = assignment.slice(at + 1);
          let value: unknown = text;
          try {
            value = JSON.parse(text);
          } catch {}
          return [assignment.slice(0, at), value] as const;
        });
        const saved = assignments.length ? await changeSettings(store.db, ws, cliActor(), assignments) : ws;
        printJson(readSettings(saved.settings));
      });
    });
}
