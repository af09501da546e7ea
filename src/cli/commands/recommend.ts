import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { findCustomerId } from '../../customers/index.ts';
import { lastAssociationRefresh, refreshAssociations } from '../../predict/product-associations.ts';
import {
  DEFAULT_TOP,
  type Recommendation,
  recommendFor,
  refreshAndRecommendAll,
  withExternalIds,
} from '../../predict/recommendation.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { asOfOption } from '../../shared/local-date.ts';
import { withWorkspace } from '../context.ts';
import { parseFormat, writeRows } from '../tabular-output.ts';

const COLUMNS = ['customer_id', 'rank', 'item', 'name', 'score', 'because'] as const;

function topOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TOP;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100)
    throw new InvalidInputError(`--top ${value}: expected a whole number from 1 to 100`);
  return n;
}

/** `retain recommend`: each customer's top-N products from the stored associations. */
export function registerRecommendCommand(program: Command): void {
  program
    .command('recommend')
    .description(
      'per-customer top-N products (猜你喜欢) from products bought together and bought after; ' +
        'leaves out what the customer bought recently and what is not sold any more',
    )
    .option('--customer <id>', 'one customer: external id, phone, email, member card or internal id')
    .option('--top <n>', 'recommendations per customer, 1 to 100', String(DEFAULT_TOP))
    .option('--refresh', 'recompute the associations first (the worker does it daily; done when none exist)')
    .option('--as-of <date>', 'with --refresh: count orders up to this date (default: today)')
    .option('--format <format>', 'csv, json or table', 'csv')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(
      async (
        opts: {
          customer?: string;
          top?: string;
          refresh?: boolean;
          asOf?: string;
          format: string;
          out?: string;
        },
        command: Command,
      ) => {
        const format = parseFormat(opts.format, ['csv', 'json', 'table']);
        const top = topOption(opts.top);
        await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
          const asOf = asOfOption(opts.asOf, ws.timezone);
          const customerIds =
            opts.customer === undefined ? undefined : [await findCustomerId(store.db, ws.id, opts.customer)];
          const refresh = opts.refresh || !(await lastAssociationRefresh(store.db, ws.id));
          const request = { asOf, actor: cliActor() };
          // Everyone's lists after a refresh come from the same read of the order lines.
          let found: Recommendation[];
          if (refresh && customerIds === undefined)
            found = (await refreshAndRecommendAll(store, ws, { ...request, top })).recommendations;
          else {
            if (refresh) await refreshAssociations(store, ws, request);
            found = await recommendFor(store, ws.id, { customerIds, top });
          }
          const rows = (await withExternalIds(store.db, ws.id, found)).map((r) => ({
            ...r,
            score: Math.round(r.score * 1e6) / 1e6,
          }));
          await writeRows(rows, [...COLUMNS], format, opts.out);
        });
      },
    );
}
