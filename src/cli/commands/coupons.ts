import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { findCustomerId } from '../../customers/index.ts';
import { minorDigits, parseMoney } from '../../importing/money-parse.ts';
import {
  addCouponTemplate,
  couponReport,
  findCoupon,
  findCouponTemplate,
  issueCouponsAs,
  listCouponTemplates,
  normalizeCouponCode,
} from '../../loyalty/index.ts';
import { segmentMemberIds } from '../../segments/index.ts';
import { toMinorUnits } from '../../shared/decimal.ts';
import { InvalidInputError, NotFoundError } from '../../shared/errors.ts';
import { formatMoney } from '../../shared/money-format.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { parseFormat, writeRows } from '../tabular-output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

interface TemplateOptions {
  kind: string;
  amountOff?: string;
  percentOff?: string;
  maxDiscount?: string;
  giftSku?: string;
  threshold?: string;
  validFrom?: string;
  validUntil?: string;
  validDays?: string;
  perCustomer?: string;
  budgetCount?: string;
  budgetAmount?: string;
  channels?: string;
  stores?: string;
  products?: string;
  stackable?: boolean;
}

/** `--amount-off 30` (yuan) → 3000 (fen), in the workspace's currency. */
function money(flag: string, text: string | undefined, currency: string): number | undefined {
  if (text === undefined) return undefined;
  const value = parseMoney(text);
  if (!value) throw new InvalidInputError(`${flag} ${text}: expected an amount such as 30 or 29.90`);
  return Number(toMinorUnits(value, minorDigits(currency)));
}

function whole(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new InvalidInputError(`${flag} ${text}: expected a whole number`);
  return n;
}

const list = (text: string | undefined) =>
  text === undefined
    ? undefined
    : text
        .split(/[,，]/)
        .map((s) => s.trim())
        .filter(Boolean);

/** `retain coupons …`: templates, issuing, one coupon, the report. */
export function registerCouponCommands(program: Command): void {
  const coupons = program.command('coupons').description('coupon templates, issuing, redemption and results');

  coupons
    .command('create-template')
    .description('create a coupon template (amounts in the workspace currency, e.g. 30 for ¥30)')
    .argument('<name>', 'template name, e.g. 满150减30')
    .requiredOption('--kind <kind>', 'amount_off, percent_off or gift')
    .option('--amount-off <money>', 'money off (amount_off)')
    .option('--percent-off <n>', 'percent off, 1–99 (percent_off)')
    .option('--max-discount <money>', 'cap of a percentage discount')
    .option('--gift-sku <sku>', 'the free gift (gift)')
    .option('--threshold <money>', 'minimum order value before discount', '0')
    .option('--valid-from <date>', 'first valid day')
    .option('--valid-until <date>', 'last valid day')
    .option('--valid-days <n>', 'valid N days from issue')
    .option('--per-customer <n>', 'most coupons of this template one customer may hold')
    .option('--budget-count <n>', 'most coupons ever issued')
    .option('--budget-amount <money>', 'most discount ever given (at face value)')
    .option('--channels <list>', 'only orders of these channels (comma-separated)')
    .option('--stores <list>', 'only orders of these stores')
    .option(
      '--products <skus>',
      'only orders with these products (SKUs); threshold and percentage on their lines',
    )
    .option('--stackable', 'may combine with other coupons')
    .action(async (name: string, o: TemplateOptions, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const c = workspace.currency;
        const template = await addCouponTemplate(store.db, workspace, cliActor(), {
          name,
          kind: o.kind,
          amount_off: money('--amount-off', o.amountOff, c),
          percent_off: whole('--percent-off', o.percentOff),
          max_discount: money('--max-discount', o.maxDiscount, c),
          gift_sku: o.giftSku,
          threshold: money('--threshold', o.threshold, c),
          valid_from: o.validFrom,
          valid_until: o.validUntil,
          valid_days: whole('--valid-days', o.validDays),
          per_customer_limit: whole('--per-customer', o.perCustomer),
          budget_count: whole('--budget-count', o.budgetCount),
          budget_amount: money('--budget-amount', o.budgetAmount, c),
          channels: list(o.channels),
          stores: list(o.stores),
          products: list(o.products),
          stackable: Boolean(o.stackable),
        });
        console.log(`coupon template ${template.id} "${template.name}" created`);
      });
    });

  coupons
    .command('templates')
    .description('list coupon templates')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = await listCouponTemplates(store.db, workspace.id);
        if (opts.json) return printJson(rows);
        printTable(rows as unknown as Record<string, unknown>[], [
          'id',
          'name',
          'kind',
          'amount_off',
          'percent_off',
          'threshold',
          'issued_count',
          'budget_count',
        ]);
      });
    });

  coupons
    .command('issue')
    .description('issue coupons of a template to customers or to a saved segment')
    .argument('<template>', 'template name or id')
    .option('--customer <query...>', 'customers by external id, phone, email or id')
    .option('--segment <name>', 'every member of a saved segment')
    .option('--json', 'print JSON (codes included up to 1,000)')
    .action(
      async (
        ref: string,
        opts: { customer?: string[]; segment?: string; json?: boolean },
        command: Command,
      ) => {
        if (!opts.customer === !opts.segment) throw new InvalidInputError('give --customer or --segment');
        await withWorkspace(ws(command), async (store, workspace) => {
          const template = await findCouponTemplate(
            store.db,
            workspace.id,
            /^\d+$/.test(ref) ? Number(ref) : ref,
          );
          const ids = opts.segment
            ? await segmentMemberIds(store.db, workspace.id, opts.segment)
            : await Promise.all(opts.customer!.map((q) => findCustomerId(store.db, workspace.id, q)));
          const actor = cliActor();
          const result = await issueCouponsAs(
            store.db,
            template,
            ids,
            { source: opts.segment ? 'segment' : 'manual', ref: opts.segment ?? actor.label },
            actor,
          );
          if (opts.json) return printJson(result);
          console.log(
            `issued ${result.issued} "${template.name}" coupons (${result.over_customer_limit} over the per-customer limit, ${result.over_budget} over budget)`,
          );
          if (result.codes.length) printTable(result.codes.slice(0, 50));
        });
      },
    );

  coupons
    .command('show')
    .description('a coupon and every redemption attempt')
    .argument('<code>', 'coupon code')
    .option('--json', 'print JSON')
    .action(async (text: string, opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const code = normalizeCouponCode(text);
        const coupon = code && (await findCoupon(store.db, workspace.id, code));
        if (!coupon) throw new NotFoundError(`no coupon ${text}`);
        if (opts.json) return printJson(coupon);
        const { attempts, ...rest } = coupon;
        printTable([rest]);
        if (attempts.length) printTable(attempts);
      });
    });

  coupons
    .command('report')
    .description('issued, redeemed, rate, discount cost, revenue and ROI per template and source')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (opts: { format: string }, command: Command) => {
      const format = parseFormat(opts.format, ['table', 'csv', 'json']);
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = await couponReport(store.db, workspace.id);
        const columns = [
          'template',
          'source',
          'source_ref',
          'issued',
          'redeemed',
          'redemption_rate',
          'discount_cost',
          'revenue',
          'roi',
        ] as const;
        if (format !== 'table') return writeRows(rows, [...columns], format);
        const money = (x: number) => formatMoney(x, workspace.currency);
        printTable(
          rows.map((r) => ({
            ...r,
            redemption_rate: r.redemption_rate === null ? '' : `${(r.redemption_rate * 100).toFixed(1)}%`,
            discount_cost: money(r.discount_cost),
            revenue: money(r.revenue),
            roi: r.roi?.toFixed(2) ?? '',
          })),
          [...columns],
        );
      });
    });
}
