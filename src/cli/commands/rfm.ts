import type { Command } from 'commander';
import { LIFECYCLE_STAGES } from '../../segments/lifecycle-stage.ts';
import { rfmCsvChunks } from '../../segments/rfm-csv.ts';
import {
  computeSegmentation,
  type RfmRow,
  rfmGrid,
  rfmRows,
  rfmSummary,
} from '../../segments/rfm-service.ts';
import { segmentMovement } from '../../segments/segment-movement.ts';
import { recordStageChanges } from '../../segments/stage-changes.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { asOfOption, parseDateOption } from '../../shared/local-date.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { parseFormat, writeChunks, writeRows } from '../tabular-output.ts';

const RFM_COLUMNS: (keyof RfmRow)[] = [
  'customer_id',
  'recency',
  'frequency',
  'monetary',
  'r_score',
  'f_score',
  'm_score',
  'rfm_group',
  'lifecycle',
];

interface SegOptions {
  asOf?: string;
  windowDays?: string;
  split?: string;
  format: string;
  out?: string;
  summary?: boolean;
}

function windowDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidInputError(`--window-days ${value}: expected a whole number ≥ 1`);
  return n;
}

/** `retain rfm` and `retain lifecycle`. */
export function registerSegmentationCommands(program: Command): void {
  const rfm = program
    .command('rfm')
    .description('RFM scores and groups per customer (PRODUCT.md §3.3)')
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: today in the workspace zone)')
    .option('--window-days <n>', 'only orders in the last N days count')
    .option('--split <mean|score>', 'how groups split R, F and M (default: workspace setting, mean)')
    .option('--format <format>', 'table, csv or json', 'table')
    .option('--out <file>', 'write to a file instead of stdout')
    .option(
      '--summary',
      'print the 8 groups with counts, share, revenue, AOV and suggested action, and the R×F grid',
    )
    .action(async (opts: SegOptions, command: Command) => {
      const format = parseFormat(opts.format, ['table', 'csv', 'json']);
      if (opts.split !== undefined && opts.split !== 'mean' && opts.split !== 'score') {
        throw new InvalidInputError(`--split ${opts.split}: expected mean or score`);
      }
      await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
        const asOf = asOfOption(opts.asOf, ws.timezone);
        const seg = await computeSegmentation(store, ws, {
          asOf,
          windowDays: windowDays(opts.windowDays),
          split: opts.split as 'mean' | 'score' | undefined,
        });
        // A million rows: the CSV comes straight from the typed arrays (same text as writeRows).
        if (!opts.summary && format === 'csv') return writeChunks(rfmCsvChunks(seg), opts.out);
        if (!opts.summary) return writeRows(rfmRows(seg), RFM_COLUMNS, format, opts.out);
        const summary = rfmSummary(seg);
        if (format === 'json')
          return printJson({
            as_of: asOf,
            split: seg.split,
            scored: seg.scored.length,
            groups: summary,
            grid: rfmGrid(seg),
          });
        if (format === 'csv')
          return writeRows(
            summary,
            ['rfm_group', 'name_zh', 'customers', 'share', 'revenue', 'aov', 'action_en', 'action_zh'],
            'csv',
            opts.out,
          );
        console.log(`RFM on ${asOf} (${seg.split} split): ${seg.scored.length} scored customers`);
        printTable(
          summary.map((g) => ({ ...g, share: g.share === null ? '' : `${(g.share * 100).toFixed(1)}%` })),
          ['rfm_group', 'name_zh', 'customers', 'share', 'revenue', 'aov', 'action_zh'],
        );
        const grid = rfmGrid(seg);
        console.log('\nR×F grid (customers; rows R 5→1, columns F 1→5):');
        printTable(
          [4, 3, 2, 1, 0].map((r) => ({
            R: r + 1,
            ...Object.fromEntries(grid.customers[r]!.map((c, f) => [`F${f + 1}`, c])),
          })),
        );
      });
    });

  rfm
    .command('movement')
    .description(
      'how many customers moved from each RFM group / lifecycle stage to each other between two dates',
    )
    .requiredOption('--from <date>', 'first as-of date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'second as-of date, YYYY-MM-DD')
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts: { from: string; to: string; format: string }, command: Command) => {
      const format = parseFormat(opts.format, ['table', 'json']);
      const from = parseDateOption('--from', opts.from);
      const to = parseDateOption('--to', opts.to);
      await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
        const movement = segmentMovement(
          await computeSegmentation(store, ws, { asOf: from }),
          await computeSegmentation(store, ws, { asOf: to }),
        );
        if (format === 'json') return printJson({ from, to, ...movement });
        for (const [title, m] of [
          ['RFM group', movement.rfm],
          ['lifecycle stage', movement.lifecycle],
        ] as const) {
          console.log(`\n${title}: rows ${from} → columns ${to}`);
          printTable(
            m.labels.map((label, i) => ({
              from: label,
              ...Object.fromEntries(m.labels.map((l, j) => [l, m.matrix[i]![j]])),
            })),
            ['from', ...m.labels],
          );
        }
      });
    });

  const lifecycle = program
    .command('lifecycle')
    .description('lifecycle stage of every customer, prospects included (PRODUCT.md §3.4)')
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: today in the workspace zone)')
    .option('--format <format>', 'table, csv or json', 'table')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--summary', 'counts per stage')
    .action(async (opts: SegOptions, command: Command) => {
      const format = parseFormat(opts.format, ['table', 'csv', 'json']);
      await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
        const asOf = asOfOption(opts.asOf, ws.timezone);
        const seg = await computeSegmentation(store, ws, { asOf });
        if (opts.summary) {
          const counts = LIFECYCLE_STAGES.map((stage, k) => ({
            lifecycle: stage,
            customers: seg.stages.filter((s) => s === k).length,
          }));
          return writeRows(counts, ['lifecycle', 'customers'], format, opts.out);
        }
        function* rows() {
          for (let i = 0; i < seg.facts.ids.length; i++)
            yield { customer_id: seg.facts.labels[i]!, lifecycle: LIFECYCLE_STAGES[seg.stages[i]!]! };
        }
        await writeRows(rows(), ['customer_id', 'lifecycle'], format, opts.out);
      });
    });

  lifecycle
    .command('record')
    .description('record lifecycle stage and RFM group changes since the last recording as events')
    .option('--as-of <date>', 'as-of date YYYY-MM-DD (default: today in the workspace zone)')
    .action(async (opts: { asOf?: string }, command: Command) => {
      await withWorkspace(command.optsWithGlobals().workspace, async (store, ws) => {
        const asOf = asOfOption(opts.asOf, ws.timezone);
        const changes = await recordStageChanges(store, ws, await computeSegmentation(store, ws, { asOf }));
        console.log(
          `as of ${asOf}: ${changes.lifecycle} lifecycle changes, ${changes.rfm_group} RFM group changes recorded`,
        );
      });
    });
}
