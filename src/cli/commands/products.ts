import type { Command } from 'commander';
import { listProducts, setProduct } from '../../products/product-service.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

/** `retain products list|set`. */
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
}
