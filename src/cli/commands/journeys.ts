import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { findCustomerId } from '../../customers/index.ts';
import type { Journey } from '../../journeys/index.ts';
import {
  applyJourney,
  backtestJourney,
  findJourney,
  journeyReport,
  listJourneys,
  pauseOrResumeJourney,
  readJourneyFile,
  saveDraft,
  testRunJourney,
} from '../../journeys/index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { parseDateOption } from '../../shared/local-date.ts';
import { runForever, runOnce } from '../../worker/index.ts';
import { withStore, withWorkspace } from '../context.ts';
import { cliPath } from '../hosted.ts';
import { printJson, printTable } from '../output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

/** `retain journeys …`. */
export function registerJourneyCommands(program: Command): void {
  const journeys = program
    .command('journeys')
    .description('triggered journeys: apply, list, pause, results, backtest');

  journeys
    .command('apply')
    .description(
      'create or replace journeys from JSON or YAML files and publish them (checked first: nothing is saved if one is wrong)',
    )
    .argument('<files...>', 'journey files')
    .option('--draft', 'save as drafts instead: the published versions keep running until published')
    .action(async (files: string[], opts: { draft?: boolean }, command: Command) => {
      const parsed: Journey[] = [];
      for (const file of files) parsed.push(await readJourneyFile(cliPath(file)));
      await withWorkspace(ws(command), async (store, workspace) => {
        for (const journey of parsed) {
          if (opts.draft) {
            await saveDraft(store.db, workspace.id, cliActor(), journey);
            console.log(`saved draft of journey "${journey.name}" (publish it in the dashboard or the API)`);
            continue;
          }
          const r = await applyJourney(store.db, workspace.id, journey, cliActor());
          console.log(`${r.created ? 'created' : 'updated'} journey "${r.name}"`);
        }
      });
    });

  journeys
    .command('test-run')
    .description('the path one customer would take, each message rendered (nothing is sent, queued or saved)')
    .argument('<name>', 'journey name')
    .requiredOption('--customer <query>', 'external id, phone, email or id')
    .option('--draft', 'walk the draft instead of the published version')
    .option('--json', 'print JSON')
    .action(
      async (name: string, opts: { customer: string; draft?: boolean; json?: boolean }, command: Command) => {
        await withWorkspace(ws(command), async (store, workspace) => {
          const customerId = await findCustomerId(store.db, workspace.id, opts.customer);
          const r = await testRunJourney(store.db, workspace, name, customerId, {
            source: opts.draft ? 'draft' : 'published',
          });
          if (opts.json) return printJson(r);
          console.log(
            `${r.name} (${r.version === null ? 'draft' : `version ${r.version}`}), customer ${customerId}:`,
          );
          for (const p of r.path) {
            console.log(`${p.at.toISOString()}  ${p.step} (${p.type}): ${p.outcome}`);
            const m = p.message;
            if (!m) continue;
            console.log(
              `    ${m.template} via ${m.channel}: ${m.decision}${m.reason ? ` (${m.reason})` : ''}`,
            );
            if (m.subject) console.log(`    subject: ${m.subject}`);
            for (const line of m.body.split('\n')) console.log(`    | ${line}`);
          }
          console.log(`ended: ${r.ended}`);
        });
      },
    );

  journeys
    .command('list')
    .description('journeys with their status and entries')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const rows = [];
        for (const j of await listJourneys(store.db, workspace.id)) {
          const r = await journeyReport(store.db, j);
          rows.push({
            name: j.name,
            status: j.status,
            trigger:
              Object.keys(j.definition.trigger)[0] === 'date'
                ? `date:${(j.definition.trigger as { date: string }).date}`
                : Object.keys(j.definition.trigger)[0],
            entries: r.entries.total,
            in_progress: r.entries.active + r.entries.waiting,
            delivered: r.funnel.delivered,
            converted: r.funnel.converted,
          });
        }
        if (opts.json) return printJson(rows);
        if (!rows.length) return console.log('no journeys yet (retain journeys apply FILE)');
        printTable(rows);
      });
    });

  journeys
    .command('show')
    .description('per-step counts, funnel, holdout lift and A/B results')
    .argument('<name>', 'journey name')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const report = await journeyReport(store.db, await findJourney(store.db, workspace.id, name));
        if (opts.json) return printJson(report);
        const e = report.entries;
        console.log(
          `${report.name} (${report.status}): ${e.total} entries — ${e.active + e.waiting} in progress, ${e.completed} completed, ${e.exited} exited, ${e.capped} capped`,
        );
        printTable(
          report.steps.map((s) => ({
            step: s.step,
            type: s.type,
            reached: s.reached,
            now_at: s.now_at,
            outcomes: Object.entries(s.outcomes)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
          })),
        );
        const f = report.funnel;
        console.log(
          `funnel: touched ${f.touched} → delivered ${f.delivered} → opened ${f.opened} → clicked ${f.clicked} → added to cart ${f.added_to_cart} → converted ${f.converted} (${pct(f.conversion_rate)}), revenue ${f.revenue}`,
        );
        const h = report.holdout;
        if (h)
          console.log(
            `lift over holdout: ${pct(h.treated.conversion_rate)} treated (${h.treated.customers}) vs ${pct(h.held_out.conversion_rate)} held out (${h.held_out.customers}) = ${pct(h.difference)}` +
              (h.ci95 ? `, 95% CI ${pct(h.ci95[0])} to ${pct(h.ci95[1])}` : '') +
              (h.p_value !== null
                ? `, p = ${h.p_value.toFixed(4)}${h.significant ? ' (significant)' : ''}`
                : ''),
          );
        for (const s of report.splits)
          for (const a of s.arms)
            console.log(
              `split ${s.step} arm ${a.group}: ${a.converted}/${a.customers} converted (${pct(a.conversion_rate)})` +
                (a.p_value !== null && a !== s.arms[0]
                  ? `, p = ${a.p_value.toFixed(4)} vs ${s.arms[0]!.group}${a.significant ? ' (significant)' : ''}`
                  : ''),
            );
      });
    });

  for (const [verb, status] of [
    ['pause', 'paused'],
    ['resume', 'active'],
  ] as const)
    journeys
      .command(verb)
      .description(
        verb === 'pause'
          ? 'stop entering and moving customers'
          : 'start again (waits that ended meanwhile continue at once)',
      )
      .argument('<name>', 'journey name')
      .action(async (name: string, _opts: unknown, command: Command) => {
        await withWorkspace(ws(command), async (store, workspace) => {
          await pauseOrResumeJourney(store.db, workspace.id, cliActor(), name, status);
          console.log(`journey "${name}" ${status}`);
        });
      });

  journeys
    .command('backtest')
    .description(
      'how many customers would have entered, been capped and reached each step (nothing is sent or saved)',
    )
    .argument('<file>', 'journey file')
    .requiredOption('--from <date>', 'first local day (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'day after the last (YYYY-MM-DD)')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { from: string; to: string; json?: boolean }, command: Command) => {
      const from = parseDateOption('--from', opts.from);
      const to = parseDateOption('--to', opts.to);
      if (to <= from) throw new InvalidInputError('--to must be after --from');
      const journey = await readJourneyFile(cliPath(file));
      await withWorkspace(ws(command), async (store, workspace) => {
        const result = await backtestJourney(store.db, workspace, journey, { from, to });
        if (opts.json) return printJson(result);
        console.log(
          `${result.entered} entries from ${result.triggered} firings, ${result.capped} capped, ${result.not_eligible} not eligible`,
        );
        printTable(result.steps);
      });
    });
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/** `retain worker`: runs journeys and delivers messages. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('enter customers into journeys, move them on and deliver due messages')
    .option('--once', 'process everything due up to now, then exit')
    .option('--interval <seconds>', 'pause between passes', '5')
    .option('--concurrency <n>', 'messages sent at once (provider calls in flight)', '8')
    .option('--json', 'print each pass as JSON')
    .action(async (opts: { once?: boolean; interval: string; concurrency: string; json?: boolean }) => {
      const seconds = Number(opts.interval);
      if (!(seconds > 0)) throw new InvalidInputError(`--interval ${opts.interval}: expected seconds > 0`);
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
        throw new InvalidInputError(
          `--concurrency ${opts.concurrency}: expected a whole number from 1 to 256`,
        );
      const print = (results: Awaited<ReturnType<typeof runOnce>>) => {
        for (const r of results) {
          if (opts.json) {
            console.log(JSON.stringify(r));
            continue;
          }
          for (const [task, summary] of Object.entries(r.daily)) {
            const figures = Object.entries(summary).map(([k, v]) => `${k.replaceAll('_', ' ')} ${v}`);
            console.log(`${r.workspace}: daily ${task.replaceAll('_', ' ')}: ${figures.join(', ')}`);
          }
          if (opts.once || r.entered || r.entries || r.delivery.claimed)
            console.log(
              `${r.workspace}: entered ${r.entered} (capped ${r.capped}), moved ${r.entries}, queued ${r.queued}; sent ${r.delivery.sent}, skipped ${r.delivery.skipped}, deferred ${r.delivery.deferred}, retrying ${r.delivery.retrying}, failed ${r.delivery.failed}${r.delivery.recovered ? `, recovered ${r.delivery.recovered} from a stopped worker and sent again` : ''}`,
            );
        }
      };
      await withStore(async (store) => {
        if (opts.once) return print(await runOnce(store, undefined, { concurrency }));
        const stop = new AbortController();
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
        await runForever(store, {
          intervalMs: seconds * 1000,
          signal: stop.signal,
          onPass: print,
          concurrency,
        });
      });
    });
}
