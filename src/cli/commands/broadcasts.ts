import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { cliActor } from '../../access/index.ts';
import {
  approveBroadcast,
  broadcastReport,
  cancelBroadcast,
  createBroadcast,
  estimateReach,
  getBroadcast,
  listBroadcasts,
  parseBroadcast,
  pauseBroadcast,
  presentBroadcast,
  resumeBroadcast,
  scheduleBroadcast,
  testSendBroadcast,
} from '../../broadcasts/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { withWorkspace } from '../context.ts';
import { cliPath } from '../hosted.ts';
import { printJson, printTable } from '../output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

/** A broadcast file (JSON or YAML); a clear line names the line and column of a syntax error. */
async function readBroadcastFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(cliPath(path), 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (text.length > 4 * 1024 * 1024)
    throw new InvalidInputError(`${path}: a broadcast file may hold at most 4 MiB`);
  try {
    return parseYaml(text);
  } catch (error) {
    const e = error as Error & { linePos?: { line: number; col: number }[] };
    const at = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new InvalidInputError(`${path}: not valid JSON or YAML${at}: ${e.message.split('\n')[0]}`);
  }
}

/** A broadcast id argument; a clear line otherwise. */
function idOf(text: string): number {
  const id = Number(text);
  if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(id) || id < 1)
    throw new InvalidInputError(
      `broadcast id "${text}": expected a number such as 3 (retain broadcasts list)`,
    );
  return id;
}

const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(1)}%`);

/** `retain broadcasts …`: 群发 to a segment, a condition or a list, from the shell. */
export function registerBroadcastCommands(program: Command): void {
  const broadcasts = program
    .command('broadcasts')
    .description('broadcasts (群发): create, reach, test, schedule, approve, pause, cancel, results');

  broadcasts
    .command('create')
    .description('prepare a broadcast (a draft) from a JSON or YAML file, and print its reach estimate')
    .argument('<file>', 'broadcast file')
    .action(async (file: string, _opts: unknown, command: Command) => {
      const def = parseBroadcast(await readBroadcastFile(file));
      await withWorkspace(ws(command), async (store, workspace) => {
        const b = await createBroadcast(store.db, workspace, cliActor(), def);
        const reach = await estimateReach(store.db, workspace, b);
        console.log(
          `created broadcast ${b.id} "${b.name}" (draft): ${reach.members} members, ${reach.reachable} reachable` +
            ` (${reach.deferred} after quiet hours), ${reach.held_out} held out, ${reach.opted_out} opted out,` +
            ` ${reach.frequency_capped} capped, ${reach.no_address} without an address` +
            (b.list_unmatched ? `; ${b.list_unmatched} list entries matched no customer` : ''),
        );
      });
    });

  broadcasts
    .command('list')
    .description('the broadcasts of the workspace, newest first')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const all = (await listBroadcasts(store.db, workspace.id)).map(presentBroadcast);
        if (opts.json) return printJson(all);
        if (!all.length) return console.log('no broadcasts yet (retain broadcasts create FILE)');
        printTable(all.map((b) => ({ id: b.id, name: b.name, status: b.status, send_at: b.send_at ?? '' })));
      });
    });

  broadcasts
    .command('show')
    .description('a broadcast with its reach estimate and results (funnel, coupons, lift, A/B arms)')
    .argument('<id>', 'broadcast id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const b = await getBroadcast(store.db, workspace.id, idOf(id));
        const reach = await estimateReach(store.db, workspace, b);
        const report = await broadcastReport(store.db, b);
        if (opts.json) return printJson({ ...report, reach });
        const f = report.funnel;
        console.log(
          `broadcast ${b.id} "${b.name}": ${b.status}${b.send_at ? `, at ${b.send_at.toISOString()}` : ''}`,
        );
        console.log(`reach now: ${reach.reachable} of ${reach.members} (${reach.held_out} held out)`);
        console.log(
          `sent ${f.touched} → delivered ${f.delivered} → opened ${f.opened} → clicked ${f.clicked} → converted ${f.converted}, revenue ${f.revenue} (minor units)`,
        );
        console.log(`coupons: ${report.coupons.issued} issued, ${report.coupons.redeemed} redeemed`);
        if (report.lift)
          console.log(
            `lift over holdout: ${pct(report.lift.difference)} (95% ${report.lift.ci95 ? `${pct(report.lift.ci95[0])} … ${pct(report.lift.ci95[1])}` : 'n/a'})`,
          );
        if (report.arms.length > 1)
          printTable(
            report.arms.map((a) => ({
              arm: a.name,
              customers: a.customers,
              converted: a.converted,
              rate: pct(a.conversion_rate),
            })),
          );
      });
    });

  const step = (name: string, description: string, run: typeof scheduleBroadcast) =>
    broadcasts
      .command(name)
      .description(description)
      .argument('<id>', 'broadcast id')
      .action(async (id: string, _opts: unknown, command: Command) => {
        await withWorkspace(ws(command), async (store, workspace) => {
          const b = await run(store.db, workspace, cliActor(), idOf(id));
          console.log(`broadcast ${b.id} "${b.name}" is ${b.status}`);
        });
      });
  step(
    'schedule',
    'schedule a draft (it waits for approval when the workspace requires it)',
    scheduleBroadcast,
  );
  step('approve', 'approve a broadcast waiting for approval', approveBroadcast);
  step('pause', 'pause: queued messages are held until resumed', pauseBroadcast);
  step('resume', 'resume a paused broadcast', resumeBroadcast);
  step('cancel', 'cancel: queued messages are skipped', cancelBroadcast);

  broadcasts
    .command('test')
    .description('send the rendered message to addresses, marked as a test (not counted)')
    .argument('<id>', 'broadcast id')
    .requiredOption('--to <addresses>', 'addresses, comma-separated')
    .option('--customer <id>', 'whose data fills the template (default: the first member)')
    .action(async (id: string, opts: { to: string; customer?: string }, command: Command) => {
      const to = opts.to
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (!to.length || to.length > 10)
        throw new InvalidInputError('--to: give 1 to 10 addresses, comma-separated');
      await withWorkspace(ws(command), async (store, workspace) => {
        const b = await getBroadcast(store.db, workspace.id, idOf(id));
        const customer = opts.customer === undefined ? undefined : idOf(opts.customer);
        const r = await testSendBroadcast(store.db, workspace, cliActor(), b, { to, customer_id: customer });
        for (const s of r.sent)
          console.log(`${s.arm} ${s.template} → ${s.to}: ${s.ok ? 'sent' : `failed: ${s.error}`}`);
      });
    });
}
