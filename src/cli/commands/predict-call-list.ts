import type { Command } from 'commander';
import { callList, type ReasonLang } from '../../predict/call-list.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { withWorkspace } from '../context.ts';
import { parseFormat, writeRows } from '../tabular-output.ts';

const COLUMNS = [
  'rank',
  'customer_id',
  'name',
  'phone',
  'p_alive',
  'predicted_clv',
  'value_at_risk',
  'last_order_date',
  'days_since_last_order',
  'rhythm_days',
  'rhythm_source',
  'overdue_ratio',
  'reason',
] as const;

function topOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000)
    throw new InvalidInputError(`--top ${value}: expected a whole number from 1 to 1000`);
  return n;
}

function langOption(value: string): ReasonLang {
  if (value !== 'zh-CN' && value !== 'en')
    throw new InvalidInputError(`--lang ${value}: expected zh-CN or en`);
  return value;
}

function segmentOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > 200 || value.includes('\u0000'))
    throw new InvalidInputError('--segment: expected a saved segment’s name (1 to 200 characters)');
  return value;
}

/** `retain predict call-list`: the staff call list ranked by value at risk, from the stored predictions. */
export function registerCallListCommand(predict: Command): void {
  predict
    .command('call-list')
    .description(
      'customers to call, ranked by value at risk = predicted CLV × (1 − P(alive)), with the reason',
    )
    .option('--top <n>', 'how many customers (1 to 1000)', '50')
    .option('--segment <name>', 'only members of this saved segment')
    .option('--lang <lang>', 'language of the reason: zh-CN or en', 'zh-CN')
    // `predict` itself takes --format and --out, and commander gives them to it wherever they are
    // written: they are read from the merged options.
    .option('--format <format>', 'csv or json (default: csv)')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: { top: string; segment?: string; lang: string }, command: Command) => {
      const all = command.optsWithGlobals() as { format?: string; out?: string; workspace: string };
      const format = parseFormat(all.format ?? 'csv', ['csv', 'json']);
      const top = topOption(opts.top);
      const lang = langOption(opts.lang);
      const segment = segmentOption(opts.segment);
      await withWorkspace(all.workspace, async (store, ws) => {
        const list = await callList(store.db, ws, { top, segment, lang });
        if (list.as_of === null && !segment)
          process.stderr.write('no stored predictions yet: run `retain predict` first\n');
        const rows = list.items.map((e) => ({
          ...e,
          customer_id: e.external_id ?? String(e.customer_id),
          p_alive: Math.round(e.p_alive * 1e6) / 1e6,
        }));
        await writeRows(rows, [...COLUMNS], format, all.out);
      });
    });
}
