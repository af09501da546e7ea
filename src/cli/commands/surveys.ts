import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { cliActor } from '../../access/index.ts';
import { segmentsOfCustomers } from '../../segments/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { createSurvey, findSurvey, listSurveys, surveyReport, updateSurvey } from '../../surveys/index.ts';
import { withWorkspace } from '../context.ts';
import { cliPath } from '../hosted.ts';
import { printJson, printTable } from '../output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

/** A survey file (JSON or YAML) as a value; a clear line when it cannot be read or parsed. */
async function readSurveyFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(cliPath(path), 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (text.length > 256 * 1024)
    throw new InvalidInputError(`${path}: a survey file may hold at most 256 KiB`);
  try {
    return text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InvalidInputError(
      `${path}: not valid JSON or YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

const figure = (x: number | null, suffix = '') => (x === null ? '' : `${x}${suffix}`);

/** `retain surveys …`: NPS, CSAT and custom surveys from the shell. */
export function registerSurveyCommands(program: Command): void {
  const surveys = program
    .command('surveys')
    .description('NPS, CSAT and custom surveys: create, list, report');

  surveys
    .command('create')
    .description('create a survey from a JSON or YAML file, or replace the one with its name (--replace)')
    .argument('<file>', 'survey file')
    .option('--replace', 'replace the survey of the same name')
    .action(async (file: string, opts: { replace?: boolean }, command: Command) => {
      const value = await readSurveyFile(file);
      await withWorkspace(ws(command), async (store, workspace) => {
        const name = (value as { name?: unknown } | null)?.name;
        const existing =
          opts.replace && typeof name === 'string'
            ? await findSurvey(store.db, workspace.id, name).catch(() => undefined)
            : undefined;
        const survey = existing
          ? await updateSurvey(store.db, workspace, cliActor(), existing.id, { definition: value })
          : await createSurvey(store.db, workspace, cliActor(), value);
        console.log(
          `${existing ? 'replaced' : 'created'} survey ${survey.id} "${survey.name}" (${survey.kind})`,
        );
      });
    });

  surveys
    .command('list')
    .description('the surveys of the workspace')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const all = await listSurveys(store.db, workspace.id);
        if (opts.json) return printJson(all);
        if (!all.length) return console.log('no surveys yet (retain surveys create FILE)');
        printTable(all.map((s) => ({ id: s.id, name: s.name, kind: s.kind, status: s.status })));
      });
    });

  surveys
    .command('report')
    .description('response rate, NPS with its 95% interval or CSAT, per month, channel, journey and segment')
    .argument('<name>', 'survey name')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const survey = await findSurvey(store.db, workspace.id, name);
        const report = await surveyReport(store.db, workspace, survey, (ids) =>
          segmentsOfCustomers(store.db, workspace.id, ids),
        );
        if (opts.json) return printJson(report);
        const rows = [
          report.total,
          ...report.by_month,
          ...report.by_channel,
          ...report.by_segment.map((f) => ({ ...f, key: `segment ${f.key}` })),
        ].map((f) => ({
          group: f.key,
          sent: f.sent,
          answers: f.responses,
          rate: figure(f.response_rate, '%'),
          ...(survey.kind === 'nps'
            ? { nps: figure(f.nps), interval: f.nps === null ? '' : `${f.nps_low} … ${f.nps_high}` }
            : { csat: figure(f.csat_mean), satisfied: figure(f.csat_satisfied_percent, '%') }),
        }));
        printTable(rows);
      });
    });

  surveys
    .command('archive')
    .description('stop a survey taking answers (its links show that it has ended)')
    .argument('<name>', 'survey name')
    .action(async (name: string, _opts: unknown, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const survey = await findSurvey(store.db, workspace.id, name);
        await updateSurvey(store.db, workspace, cliActor(), survey.id, { status: 'archived' });
        console.log(`archived survey "${survey.name}"`);
      });
    });
}
