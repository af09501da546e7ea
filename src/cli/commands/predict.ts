import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import type { FitView } from '../../predict/index.ts';
import {
  COUNT_MODELS,
  type CountModelName,
  exportPredictions,
  fitAndCheck,
  refreshPredictions,
  TIME_UNITS,
  type TimeUnit,
} from '../../predict/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { asOfOption, parseDateOption, todayIn } from '../../shared/local-date.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { parseFormat, writeRows } from '../tabular-output.ts';
import { registerCallListCommand } from './predict-call-list.ts';

const COLUMNS = [
  'customer_id',
  'p_alive',
  'expected_purchases_30d',
  'expected_purchases_90d',
  'expected_purchases_365d',
  'expected_spend',
  'predicted_clv',
  'next_order_date',
] as const;

function oneOf<T extends string>(
  option: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new InvalidInputError(`${option} ${value}: expected ${allowed.join(' or ')}`);
  return value as T;
}

function horizonOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 30 || n > 3650)
    throw new InvalidInputError(`--horizon-days ${value}: expected a whole number of days from 30 to 3650`);
  return n;
}

const NAMES: Record<CountModelName, string> = { bgnbd: 'BG/NBD', paretonbd: 'Pareto/NBD' };
// Six decimals keep every figure readable and far below any difference that matters.
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function printFit(fit: FitView): void {
  console.log(
    `${NAMES[fit.model]} fit on purchases up to ${fit.calibration_end} (unit: ${fit.unit}): ${fit.customers} customers, ` +
      `${fit.repeat_customers} with a repeat purchase, ${fit.repeat_purchases} repeat purchases`,
  );
  printTable(
    [
      ...Object.entries(fit.params).map(([name, value]) => ({ parameter: name, value: round6(value) })),
      { parameter: 'log_likelihood', value: round6(fit.log_likelihood) },
      ...(fit.spend
        ? (['p', 'q', 'gamma'] as const).map((name) => ({ parameter: name, value: round6(fit.spend![name]) }))
        : []),
    ],
    ['parameter', 'value'],
  );
  if (!fit.spend) console.log('spend: too few repeat buyers with spend for a Gamma-Gamma fit');
  const h = fit.holdout;
  if (!h) return;
  console.log(
    `\nholdout ${fit.calibration_end} → ${h.end} (${h.days} days): actual ${h.actual}, expected ${h.expected.toFixed(1)}`,
  );
  printTable(
    h.bins.map((b) => ({
      x: b.x,
      customers: b.customers,
      actual_mean: b.customers ? (b.actual / b.customers).toFixed(3) : '',
      expected_mean: b.customers ? (b.expected / b.customers).toFixed(3) : '',
    })),
  );
}

/** `retain predict` (score everyone, store, export) and `retain predict fit` (fit and check). */
export function registerPredictCommands(program: Command): void {
  const predict = program
    .command('predict')
    .description(
      'per-customer P(alive), expected purchases, spend, CLV and next order date (BG/NBD or Pareto/NBD)',
    )
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: today in the workspace zone)')
    .option('--horizon-days <n>', 'CLV horizon in days (default: workspace setting prediction.horizon_days)')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(
      async (
        opts: { asOf?: string; horizonDays?: string; format: string; out?: string },
        command: Command,
      ) => {
        const format = parseFormat(opts.format, ['csv', 'json']);
        const horizonDays = horizonOption(opts.horizonDays);
        await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
          const asOf = asOfOption(opts.asOf, ws.timezone);
          await refreshPredictions(store, ws, { asOf, horizonDays, actor: cliActor() });
          const rows = (await exportPredictions(store.db, ws.id)).map((r) => ({
            ...r,
            p_alive: round6(r.p_alive),
            expected_purchases_30d: round6(r.expected_purchases_30d),
            expected_purchases_90d: round6(r.expected_purchases_90d),
            expected_purchases_365d: round6(r.expected_purchases_365d),
          }));
          await writeRows(rows, [...COLUMNS], format, opts.out);
        });
      },
    );

  predict
    .command('fit')
    .description(
      'fit the purchase and spend models and check them against the purchases after the calibration end',
    )
    .option('--calibration-end <date>', 'last date of the calibration period (default: today)')
    .option('--unit <unit>', 'day or week (default: workspace setting prediction.unit)')
    .option('--model <model>', 'bgnbd or paretonbd (default: workspace setting prediction.model)')
    .option('--json', 'print the fit as JSON')
    .action(
      async (
        opts: { calibrationEnd?: string; unit?: string; model?: string; json?: boolean },
        command: Command,
      ) => {
        const unit = oneOf<TimeUnit>('--unit', opts.unit, TIME_UNITS);
        const model = oneOf<CountModelName>('--model', opts.model, COUNT_MODELS);
        const end =
          opts.calibrationEnd === undefined
            ? undefined
            : parseDateOption('--calibration-end', opts.calibrationEnd);
        await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
          const fit = await fitAndCheck(store, ws, cliActor(), {
            calibrationEnd: end ?? todayIn(ws.timezone),
            unit,
            model,
          });
          if (opts.json) printJson(fit);
          else printFit(fit);
        });
      },
    );

  registerCallListCommand(predict);
}
