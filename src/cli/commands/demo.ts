import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { loadDemo } from '../../demo/index.ts';
import { installPlaybook } from '../../playbook/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { todayIn } from '../../shared/local-date.ts';
import { withWorkspace } from '../context.ts';
import { printJson } from '../output.ts';

/** `retain demo`: load the demo merchant. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'load a demo merchant (Chinese baby & household brand: stores, Tmall, WeChat mini-program) and install the seed playbook',
    )
    .option('--customers <n>', 'number of customers', '3000')
    .option('--end-date <date>', 'last day of demo data (default: yesterday in the workspace zone)')
    .option('--if-empty', 'do nothing when the workspace already has customers')
    .option('--json', 'print JSON')
    .action(
      async (
        opts: { customers: string; endDate?: string; ifEmpty?: boolean; json?: boolean },
        command: Command,
      ) => {
        const customers = Number(opts.customers);
        if (!Number.isInteger(customers) || customers < 1 || customers > 1_000_000) {
          throw new InvalidInputError(
            `--customers ${opts.customers}: expected a whole number from 1 to 1000000`,
          );
        }
        const workspaceName: string = command.optsWithGlobals().workspace;
        await withWorkspace(workspaceName, async (store, ws) => {
          if (opts.ifEmpty) {
            const any = await store.db
              .selectFrom('customers')
              .select('id')
              .where('workspace_id', '=', ws.id)
              .limit(1)
              .executeTakeFirst();
            if (any) {
              if (!opts.json) console.log(`workspace "${ws.name}" already has data; demo not loaded`);
              return;
            }
          }
          const endDate = opts.endDate ?? todayIn(ws.timezone, new Date(Date.now() - 86_400_000));
          let stats: Awaited<ReturnType<typeof loadDemo>>;
          try {
            stats = await loadDemo(store, ws, { customers, endDate });
          } catch (error) {
            if (error instanceof RangeError) throw new InvalidInputError(error.message);
            throw error;
          }
          // The example journeys apply and backtest on the demo as they are: what they name is there.
          const playbook = await installPlaybook(store.db, ws, cliActor());
          if (opts.json) return printJson({ ...stats, playbook });
          console.log(`demo loaded into workspace "${ws.name}" (data up to ${endDate}):`);
          for (const [kind, s] of Object.entries(stats)) {
            console.log(
              `  ${kind}: read ${s.read}, inserted ${s.inserted}, updated ${s.updated}, rejected ${s.rejected}, guest ${s.guest}`,
            );
          }
          console.log(
            `  playbook: ${playbook.created} created, ${playbook.unchanged} unchanged, ${playbook.kept} kept as edited (journeys paused: retain journeys resume NAME)`,
          );
        });
      },
    );
}
