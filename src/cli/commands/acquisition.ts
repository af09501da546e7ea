import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { type CacRow, cacReport, listSpend, MonthText, saveSpend } from '../../acquisition/index.ts';
import { readSpendFile, spendFileProblem } from '../../acquisition/spend-file.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { asOfOption } from '../../shared/local-date.ts';
import { formatMoney } from '../../shared/money-format.ts';
import { withWorkspace } from '../context.ts';
import { cliPath } from '../hosted.ts';
import { printJson, printTable } from '../output.ts';
import { parseFormat, writeRows } from '../tabular-output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

const CAC_COLUMNS: (keyof CacRow)[] = [
  'channel',
  'month',
  'spend',
  'new_buyers',
  'cac',
  'historical_clv',
  'clv_cac',
  'predicted_clv',
  'predicted_clv_cac',
  'revenue_to_date',
  'payback_month',
  'payback_months',
];

/** `--from`/`--to` as months, checked. */
function monthRange(opts: { from?: string; to?: string }) {
  for (const [name, value] of [
    ['--from', opts.from],
    ['--to', opts.to],
  ] as const) {
    if (value !== undefined && !MonthText.safeParse(value).success)
      throw new InvalidInputError(`${name} ${JSON.stringify(value.slice(0, 40))}: expected a month YYYY-MM`);
  }
  if (opts.from && opts.to && opts.to < opts.from)
    throw new InvalidInputError(`--to ${opts.to} must not be before --from ${opts.from}`);
  return { from: opts.from, to: opts.to };
}

/** `retain spend import|list` and `retain cac`. */
export function registerAcquisitionCommands(program: Command): void {
  const spend = program
    .command('spend')
    .description('marketing spend per acquisition channel and month (获客投放)');
  spend
    .command('import')
    .description(
      'import spend from a CSV/TSV/XLSX file: month,channel,amount (or 月份,渠道,金额), amounts in 元',
    )
    .argument('<file>', 'the file')
    .action(async (file: string, _opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const { items, errors } = await readSpendFile(cliPath(file), workspace.currency, file);
        if (errors.length) throw new InvalidInputError(spendFileProblem(file, errors));
        if (!items.length) throw new InvalidInputError(`${file}: no spend rows under the header`);
        const done = await saveSpend(store.db, workspace.id, cliActor(), items, 'import');
        const months = [...new Set(items.map((i) => i.month))].sort();
        console.log(
          `saved ${done.saved} spend rows for ${new Set(items.map((i) => i.channel)).size} channels, ${months[0]} to ${months[months.length - 1]}`,
        );
      });
    });
  spend
    .command('list')
    .description('spend rows by month and channel')
    .option('--from <month>', 'first month, YYYY-MM')
    .option('--to <month>', 'last month (included), YYYY-MM')
    .option('--json', 'print JSON')
    .action(async (opts: { from?: string; to?: string; json?: boolean }, command: Command) => {
      const range = monthRange(opts);
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = await listSpend(store.db, workspace.id, range);
        if (opts.json) return printJson(rows);
        if (!rows.length) return console.log('no spend yet: retain spend import FILE');
        printTable(
          rows.map((r) => ({ ...r, amount: formatMoney(r.amount, workspace.currency) })),
          ['month', 'channel', 'amount', 'updated_by'],
        );
      });
    });

  program
    .command('cac')
    .description('acquisition cost: spend ÷ new buyers per channel and month, CLV : CAC and payback month')
    .option('--from <month>', 'first spend month, YYYY-MM')
    .option('--to <month>', 'last spend month (included), YYYY-MM')
    .option(
      '--as-of <date>',
      'count revenue up to this day, YYYY-MM-DD (default: today in the workspace zone)',
    )
    .option('--format <format>', 'table, csv or json', 'table')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(
      async (
        opts: { from?: string; to?: string; asOf?: string; format: string; out?: string },
        command: Command,
      ) => {
        const format = parseFormat(opts.format, ['table', 'csv', 'json']);
        const range = monthRange(opts);
        await withWorkspace(ws(command), async (store, workspace) => {
          const report = await cacReport(
            store.db,
            workspace,
            range,
            asOfOption(opts.asOf, workspace.timezone),
          );
          if (format === 'json' && !opts.out) return printJson(report);
          if (format === 'table' && !opts.out) {
            if (!report.rows.length) return console.log('no spend in these months: retain spend import FILE');
            const money = (x: number | null) =>
              x === null ? '-' : formatMoney(Math.round(x), workspace.currency);
            const times = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}×`);
            return printTable(
              report.rows.map((r) => ({
                ...r,
                spend: money(r.spend),
                cac: money(r.cac),
                historical_clv: money(r.historical_clv),
                clv_cac: times(r.clv_cac),
                predicted_clv: money(r.predicted_clv),
                predicted_clv_cac: times(r.predicted_clv_cac),
                revenue_to_date: money(r.revenue_to_date),
                payback_month: r.payback_month ?? 'not yet',
                payback_months: r.payback_months ?? '-',
              })),
              CAC_COLUMNS,
            );
          }
          await writeRows(report.rows, CAC_COLUMNS, format, opts.out);
        });
      },
    );
}
