import { createWriteStream, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { findCustomerId } from '../../customers/index.ts';
import { addTag, listTags, removeTag, tagHistory } from '../../customers/tag-service.ts';
import {
  createSegment,
  deleteSegment,
  exportSegmentMembers,
  listSegments,
  parseCondition,
  previewSegment,
  refreshSegment,
  segmentMembers,
} from '../../segments/index.ts';
import { MEMBER_COLUMNS, writeMembers } from '../../segments/segment-export.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { parseDateOption } from '../../shared/local-date.ts';
import { withWorkspace } from '../context.ts';
import { cliPath } from '../hosted.ts';
import { printJson, printTable } from '../output.ts';

/** `--where '{"tag":"VIP"}'` or `--where @file.json`. */
function readCondition(where: string) {
  if (!where.startsWith('@')) return parseCondition(where);
  try {
    return parseCondition(readFileSync(cliPath(where.slice(1)), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new InvalidInputError(`--where ${where}: no such file`);
    throw error;
  }
}

/** `retain segments …` and `retain tags …`. */
export function registerSegmentCommands(program: Command): void {
  const segments = program.command('segments').description('rule-based customer segments');
  const ws = (command: Command): string => command.optsWithGlobals().workspace;

  segments
    .command('preview')
    .description('count and sample the customers a condition matches, without saving')
    .requiredOption('--where <json|@file>', 'condition as JSON, or @file.json')
    .option('--as-of <date>', 'evaluate as of this date (default: today)')
    .option('--json', 'print JSON')
    .action(async (opts: { where: string; asOf?: string; json?: boolean }, command: Command) => {
      const condition = readCondition(opts.where);
      await withWorkspace(ws(command), async (store, workspace) => {
        const asOf = opts.asOf ? parseDateOption('--as-of', opts.asOf) : undefined;
        const preview = await previewSegment(store.db, workspace, condition, { asOf });
        if (opts.json) return printJson(preview);
        console.log(`${preview.count} customers match`);
        if (preview.sample.length) printTable(preview.sample);
      });
    });

  segments
    .command('create')
    .description('save a segment and compute its members')
    .argument('<name>', 'segment name')
    .requiredOption('--where <json|@file>', 'condition as JSON, or @file.json')
    .action(async (name: string, opts: { where: string }, command: Command) => {
      const condition = readCondition(opts.where);
      await withWorkspace(ws(command), async (store, workspace) => {
        const result = await createSegment(store.db, workspace, name, condition, {
          actor: cliActor(),
          store,
        });
        console.log(`segment "${name}" saved: ${result.entered} members`);
      });
    });

  segments
    .command('list')
    .description('list segments with their member counts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = await listSegments(store.db, workspace.id);
        if (opts.json) return printJson(rows);
        printTable(rows.map((r) => ({ name: r.name, members: r.members, refreshed_at: r.refreshed_at })));
      });
    });

  segments
    .command('show')
    .description('show a segment: its condition and first members')
    .argument('<name>', 'segment name')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const { segment, members } = await segmentMembers(store.db, workspace.id, name);
        if (opts.json)
          return printJson({
            name: segment.name,
            definition: segment.definition,
            members: members.length,
            refreshed_at: segment.refreshed_at,
          });
        console.log(
          `segment "${segment.name}": ${members.length} members (refreshed ${segment.refreshed_at?.toISOString() ?? 'never'})`,
        );
        console.log(`condition: ${JSON.stringify(segment.definition)}`);
        if (members.length) printTable(members.slice(0, 20), MEMBER_COLUMNS);
      });
    });

  segments
    .command('refresh')
    .description('re-evaluate segments, recording who entered and who exited')
    .argument('[name]', 'segment name (default: all)')
    .action(async (name: string | undefined, _opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const names = name ? [name] : (await listSegments(store.db, workspace.id)).map((s) => s.name);
        for (const n of names) {
          const r = await refreshSegment(store.db, workspace, n, { actor: cliActor(), store });
          console.log(`${n}: ${r.entered} entered, ${r.exited} exited`);
        }
      });
    });

  segments
    .command('export')
    .description('export members to .csv or .xlsx')
    .argument('<name>', 'segment name')
    .requiredOption('--out <file>', 'output file (.csv or .xlsx)')
    .action(async (name: string, opts: { out: string }, command: Command) => {
      const xlsx = opts.out.toLowerCase().endsWith('.xlsx');
      if (!xlsx && !opts.out.toLowerCase().endsWith('.csv'))
        throw new InvalidInputError(`--out ${opts.out}: use a .csv or .xlsx file name`);
      await withWorkspace(ws(command), async (store, workspace) => {
        const format = xlsx ? 'xlsx' : 'csv';
        const { members } = await exportSegmentMembers(store.db, workspace.id, name, cliActor(), format);
        await writeMembers(createWriteStream(cliPath(opts.out)), members, xlsx ? 'xlsx' : 'csv', name);
        console.log(`exported ${members.length} members of "${name}" to ${opts.out}`);
      });
    });

  segments
    .command('delete')
    .description('delete a segment')
    .argument('<name>', 'segment name')
    .action(async (name: string, _opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        await deleteSegment(store.db, workspace.id, name, cliActor());
        console.log(`segment "${name}" deleted`);
      });
    });

  const tags = program.command('tags').description('manual customer tags');
  for (const action of ['add', 'remove'] as const) {
    tags
      .command(action)
      .description(`${action} a tag ${action === 'add' ? 'to' : 'from'} customers`)
      .argument('<tag>', 'the tag')
      .argument('<customers...>', 'external ids, phones, emails or internal ids')
      .action(async (tag: string, queries: string[], _opts: unknown, command: Command) => {
        await withWorkspace(ws(command), async (store, workspace) => {
          const ids = [];
          for (const q of queries) ids.push(await findCustomerId(store.db, workspace.id, q));
          const n = await (action === 'add' ? addTag : removeTag)(store.db, workspace.id, tag, ids);
          console.log(
            `${action === 'add' ? 'added' : 'removed'} "${tag}" ${action === 'add' ? 'to' : 'from'} ${n} of ${ids.length} customers`,
          );
        });
      });
  }
  tags
    .command('list')
    .description('tags with customer counts, or one customer’s tag history')
    .option('--customer <query>', 'show this customer’s tag history')
    .option('--json', 'print JSON')
    .action(async (opts: { customer?: string; json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = opts.customer
          ? await tagHistory(
              store.db,
              workspace.id,
              await findCustomerId(store.db, workspace.id, opts.customer),
            )
          : await listTags(store.db, workspace.id);
        if (opts.json) return printJson(rows);
        printTable(rows as Record<string, unknown>[]);
      });
    });
}
