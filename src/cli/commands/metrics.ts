import type { Command } from 'commander';
import {
  cohortRetention,
  historicalClv,
  PERIOD_UNITS,
  type PeriodMetrics,
  type PeriodUnit,
  periodMetrics,
} from '../../metrics/index.ts';
import { findSegment } from '../../segments/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { asOfOption, parseDateOption } from '../../shared/local-date.ts';
import { formatMoney } from '../../shared/money-format.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { parseFormat, writeRows } from '../tabular-output.ts';

const METRIC_COLUMNS: (keyof PeriodMetrics)[] = [
  'period_start',
  'buyers',
  'orders',
  'revenue',
  'aov',
  'repurchase_rate',
  'avg_repurchase_frequency',
  'returning_rate',
  'retention_rate',
];

function range(opts: { from: string; to: string }) {
  const from = parseDateOption('--from', opts.from);
  const to = parseDateOption('--to', opts.to);
  if (to <= from) throw new InvalidInputError(`--to ${to} must be after --from ${from}`);
  return { from, to };
}

/** `retain metrics` and `retain cohorts`. */
export function registerMetricsCommands(program: Command): void {
  program
    .command('metrics')
    .description(
      'buyers, orders, revenue, AOV, repurchase, returning and retention rates per period (PRODUCT.md §3.5)',
    )
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'day after the last, YYYY-MM-DD (periods whose start lies in [from, to))')
    .option('--period <unit>', `period: ${PERIOD_UNITS.join(', ')}`, 'month')
    .option('--segment <name>', "only this saved segment's members")
    .option('--format <format>', 'json, csv or table', 'table')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(
      async (
        opts: { from: string; to: string; period: string; format: string; out?: string; segment?: string },
        command: Command,
      ) => {
        if (!(PERIOD_UNITS as readonly string[]).includes(opts.period)) {
          throw new InvalidInputError(`--period ${opts.period}: expected one of ${PERIOD_UNITS.join(', ')}`);
        }
        const format = parseFormat(opts.format, ['json', 'csv', 'table']);
        await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
          const segmentId = opts.segment ? (await findSegment(store.db, ws.id, opts.segment)).id : undefined;
          const rows = await periodMetrics(store.db, ws.id, {
            ...range(opts),
            period: opts.period as PeriodUnit,
            segmentId,
          });
          if (format === 'table' && !opts.out) {
            const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(1)}%`);
            printTable(
              rows.map((r) => ({
                ...r,
                repurchase_rate: pct(r.repurchase_rate),
                returning_rate: pct(r.returning_rate),
                retention_rate: pct(r.retention_rate),
                avg_repurchase_frequency: r.avg_repurchase_frequency?.toFixed(2) ?? '',
              })),
              METRIC_COLUMNS,
            );
            return;
          }
          await writeRows(rows, METRIC_COLUMNS, format, opts.out);
        });
      },
    );

  program
    .command('cohorts')
    .description('monthly cohort retention: share of each first-purchase month buying again k months later')
    .requiredOption('--from <date>', 'first cohort month, YYYY-MM-DD')
    .requiredOption('--to <date>', 'end (exclusive), YYYY-MM-DD')
    .option('--format <format>', 'json, csv or table', 'table')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: { from: string; to: string; format: string; out?: string }, command: Command) => {
      const format = parseFormat(opts.format, ['json', 'csv', 'table']);
      await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
        const cohorts = await cohortRetention(store.db, ws.id, range(opts));
        if (format === 'json' && !opts.out) return printJson(cohorts);
        const width = Math.max(0, ...cohorts.map((c) => c.retention.length));
        const columns = ['cohort', 'customers', ...Array.from({ length: width }, (_, k) => `m${k}`)];
        const flat = cohorts.map((c) => ({
          cohort: c.cohort,
          customers: c.customers,
          ...Object.fromEntries(
            c.retention.map((x, k) => [`m${k}`, format === 'table' ? `${(x * 100).toFixed(1)}%` : x]),
          ),
        }));
        if (format === 'table' && !opts.out) return printTable(flat, columns);
        await writeRows(
          flat as Record<string, unknown>[],
          columns,
          format === 'table' ? 'csv' : format,
          opts.out,
        );
      });
    });

  program
    .command('clv')
    .description('historical customer lifetime value: AOV × orders per customer per year × expected lifetime')
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: today in the workspace zone)')
    .option('--json', 'print JSON')
    .action(async (opts: { asOf?: string; json?: boolean }, command: Command) => {
      await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
        const asOf = asOfOption(opts.asOf, ws.timezone);
        const clv = await historicalClv(store.db, ws.id, asOf);
        if (opts.json) return printJson(clv);
        const money = (x: number | null) => (x === null ? '-' : formatMoney(x, ws.currency));
        console.log(`historical CLV as of ${asOf}: ${money(clv.clv)}`);
        console.log(
          `  AOV ${money(clv.aov)} × ${clv.orders_per_customer?.toFixed(2) ?? '-'} orders per customer per year × ${clv.expected_lifetime_years?.toFixed(2) ?? '-'} years (annual retention ${clv.annual_retention === null ? '-' : `${(clv.annual_retention * 100).toFixed(1)}%`})`,
        );
      });
    });
}
