import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import type { ProductInterval } from '../../products/index.ts';
import { intervalPage, learnIntervals } from '../../products/product-intervals.ts';
import { listProducts, setProduct } from '../../products/product-service.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { asOfOption } from '../../shared/local-date.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

const oneDecimal = (v: number | null | undefined) => (v == null ? '' : v.toFixed(1));

/** An interval row as the CLI table shows it: hand-set and learned side by side. */
const intervalRow = (p: ProductInterval) => ({
  sku: p.sku,
  name: p.name ?? '',
  set_days: p.repurchase_days ?? '',
  learned_days: oneDecimal(p.learned?.median_days),
  p25: oneDecimal(p.learned?.p25_days),
  p75: oneDecimal(p.learned?.p75_days),
  from: p.learned ? (p.learned.basis === 'sku' ? 'sku' : `category ${p.category}`) : '',
  intervals: p.learned?.intervals ?? '',
  in_use: p.source === 'set' ? `${p.effective_days} (set)` : oneDecimal(p.effective_days),
});

/** `retain products list|set|intervals`. */
export function registerProductCommands(program: Command): void {
  const products = program.command('products').description('products from imported order lines');
  products
    .command('list')
    .description('products with their category and repurchase interval')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = await listProducts(store.db, workspace.id);
        if (opts.json) return printJson(rows);
        if (!rows.length) return console.log('no products yet (they come from imported order lines)');
        printTable(rows);
      });
    });
  products
    .command('set')
    .description('set a product’s repurchase interval (for replenishment journeys) or category')
    .argument('<sku>', 'product SKU')
    .option('--repurchase-days <n>', 'days after which customers usually buy it again ("none" clears it)')
    .option('--category <name>', 'category')
    .action(async (sku: string, opts: { repurchaseDays?: string; category?: string }, command: Command) => {
      if (opts.repurchaseDays === undefined && opts.category === undefined)
        throw new InvalidInputError('give --repurchase-days or --category');
      const days =
        opts.repurchaseDays === undefined
          ? undefined
          : opts.repurchaseDays === 'none'
            ? null
            : Number(opts.repurchaseDays);
      if (days !== undefined && days !== null && Number.isNaN(days))
        throw new InvalidInputError(
          `--repurchase-days ${opts.repurchaseDays}: expected a number of days or "none"`,
        );
      await withWorkspace(ws(command), async (store, workspace) => {
        const p = await setProduct(store.db, workspace.id, sku, {
          repurchase_days: days,
          category: opts.category,
        });
        console.log(
          `product ${p.sku}: repurchase every ${p.repurchase_days ?? '—'} days, category ${p.category ?? '—'}`,
        );
      });
    });
  products
    .command('intervals')
    .description('repurchase intervals per unit: hand-set beside learned from the orders, and the one in use')
    .option('--learn', 'learn them from the orders now first (the worker does it daily)')
    .option('--as-of <date>', 'with --learn: purchases up to this date YYYY-MM-DD (default: today)')
    .option('--json', 'print JSON')
    .action(async (opts: { learn?: boolean; asOf?: string; json?: boolean }, command: Command) => {
      if (opts.asOf !== undefined && !opts.learn) throw new InvalidInputError('--as-of goes with --learn');
      await withWorkspace(ws(command), async (store, workspace) => {
        if (opts.learn) {
          const asOf = asOfOption(opts.asOf, workspace.timezone);
          const r = await learnIntervals(store, workspace.id, { asOf, actor: cliActor() });
          if (!opts.json)
            console.log(
              `learned up to ${r.as_of}: ${r.by_sku} products from their own repeat purchases, ${r.by_category} from their category's`,
            );
        }
        const rows: ProductInterval[] = [];
        for (let offset = 0; ; offset += 1000) {
          const page = await intervalPage(store.db, workspace.id, { offset, limit: 1000 });
          rows.push(...page.items);
          if (!page.next_cursor) break;
        }
        if (opts.json) return printJson(rows);
        if (!rows.length)
          return console.log(
            'no intervals yet: set one with `retain products set SKU --repurchase-days N`, or learn them with --learn',
          );
        printTable(rows.map(intervalRow));
      });
    });
}
