import type { Command } from 'commander';
import { distribute } from '../../db/citus.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { withStore } from '../context.ts';
import { printJson } from '../output.ts';

/** `--shard-count`: a whole number of shards, 1 to 1024. */
function shardCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 1024)
    throw new InvalidInputError(`--shard-count: a whole number from 1 to 1024, not "${value.slice(0, 40)}"`);
  return n;
}

/** `retain db distribute`. */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database administration');
  db.command('distribute')
    .description(
      'on a Citus coordinator (DATABASE_URL): make the global tables reference tables and distribute every other table by workspace, co-located with customers (run again after upgrades: only new tables change)',
    )
    .option(
      '--shard-count <n>',
      'shards of the customers table and all co-located with it (Citus default: 32)',
    )
    .option('--json', 'print JSON')
    .action(async (opts: { shardCount?: string; json?: boolean }) => {
      const shards = shardCount(opts.shardCount);
      const plan = await withStore(async (store) => {
        if (store.kind !== 'postgres')
          throw new InvalidInputError(
            'the embedded store cannot be distributed: set DATABASE_URL to a Citus coordinator',
          );
        return distribute(store.db, { shardCount: shards });
      });
      if (opts.json) return printJson(plan);
      if (plan.reference.length + plan.distributed.length === 0)
        return console.log(`nothing to do: all ${plan.done.length} tables are distributed already`);
      console.log(
        `${plan.reference.length} reference tables, ${plan.distributed.length} tables distributed by workspace (co-located with customers), ${plan.foreignKeys.length} foreign keys added again; ${plan.done.length} were done already`,
      );
    });
}
