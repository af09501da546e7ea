import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { serverHoldingStore } from '../../api/index.ts';
import { storeOptionsFromEnv } from '../../config.ts';
import { type ImportStats, importFile } from '../../importing/import-service.ts';
import type { ImportLang } from '../../importing/index.ts';
import { IMPORT_KINDS, type ImportKind } from '../../importing/index.ts';
import { refreshAfterChanges } from '../../segments/segment-refresh.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { withWorkspace } from '../context.ts';
import { segmentLine, summaryLines } from '../import-summary.ts';
import { printJson } from '../output.ts';
import { importThroughServer } from '../remote-import.ts';

/** With RETAIN_TIMINGS=1, how long each import phase took goes to stderr (for benchmarks). */
const timings = process.env.RETAIN_TIMINGS === '1';

interface ImportCliOptions {
  map: string[];
  encoding?: string;
  rejects?: string;
  strict?: boolean;
  dryRun?: boolean;
  json?: boolean;
  lang?: string;
}

/** The language of row errors: `--lang`, else the environment's (LANG=zh_CN.UTF-8 is zh-CN). */
export function importLang(option: string | undefined, env = process.env): ImportLang {
  // An empty variable counts as unset, as POSIX says.
  const asked = option ?? (env.LC_ALL || env.LC_MESSAGES || env.LANG || '');
  if (/^zh([-_](cn|hans|sg))?\b/i.test(asked) || /^zh$/i.test(asked)) return 'zh-CN';
  if (option !== undefined && !/^en\b/i.test(option))
    throw new InvalidInputError(`--lang ${option}: expected zh-CN or en`);
  return 'en';
}

function parseMap(pairs: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new InvalidInputError(`--map ${pair}: expected FIELD=COLUMN, e.g. --map order_id=单据编号`);
    map[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return map;
}

function progressBar(): {
  update: (p: { rows: number; bytesRead: number; totalBytes: number }) => void;
  stop: () => void;
} {
  const started = Date.now();
  const bar = new SingleBar({
    format: 'importing [{bar}] {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
    hideCursor: true,
    stream: process.stderr,
  });
  let running = false;
  return {
    update({ rows, bytesRead, totalBytes }) {
      const rate = Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001));
      if (!running) {
        bar.start(totalBytes, 0, { rows, rate });
        running = true;
      }
      bar.update(Math.min(bytesRead, totalBytes), { rows, rate });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

/** `retain import customers|orders|order-lines|events|service-records FILE`. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import a .csv, .csv.gz, .tsv or .xlsx file')
    .addArgument(new Command().createArgument('<kind>', 'what the file holds').choices(IMPORT_KINDS))
    .argument('<file>', 'the file')
    .option(
      '--map <field=column>',
      'read FIELD from COLUMN (repeat for more fields); FIELD= leaves a detected column out',
      (pair: string, pairs: string[]) => [...pairs, pair],
      [] as string[],
    )
    .option('--encoding <name>', 'file encoding (default: detect UTF-8 or GB18030)')
    .option('--rejects <file>', 'write rejected rows with a reason column to this CSV')
    .option('--strict', 'load nothing if any row is bad')
    .option('--dry-run', 'show what would happen, change nothing')
    .option('--json', 'print the result as one JSON object')
    .option('--lang <lang>', 'language of the row errors and rejects file: zh-CN or en (default: from LANG)')
    .action(async (kind: ImportKind, file: string, options: ImportCliOptions, command: Command) => {
      const workspaceName: string = command.optsWithGlobals().workspace;
      const lang = importLang(options.lang);
      const bar = process.stderr.isTTY && !options.json ? progressBar() : undefined;
      const map = parseMap(options.map);
      // A `retain serve` holding the embedded store gets the import (a nightly cron job beside
      // the dashboard) instead of a refusal; the output is the same as a local import's.
      const store = storeOptionsFromEnv();
      const server = store.url || !store.dataDir ? undefined : serverHoldingStore(store.dataDir);
      if (server) {
        if (command.optsWithGlobals().now !== undefined || process.env.RETAIN_NOW)
          throw new InvalidInputError(
            `--now: retain serve (process ${server.pid}) holds the store and imports at its own clock; stop it to import as of another time`,
          );
        if (!options.json)
          console.error(
            `retain: the store is held by retain serve (process ${server.pid}); importing through it`,
          );
        const remote = await importThroughServer(server, {
          kind,
          file,
          workspace: workspaceName,
          map,
          encoding: options.encoding,
          strict: options.strict,
          dryRun: options.dryRun,
          lang,
          rejectsFile: options.rejects,
          onProgress: bar?.update,
        }).finally(() => bar?.stop());
        if (!options.json) for (const moved of remote.segments) console.error(segmentLine(moved, lang));
        finish(remote.stats, options, lang);
        return;
      }
      const stats = await withWorkspace(workspaceName, async (store, workspace) => {
        let refreshed: Awaited<ReturnType<typeof refreshAfterChanges>> = [];
        const result = await importFile(store, {
          kind,
          file,
          workspace,
          map,
          encoding: options.encoding,
          rejectsFile: options.rejects,
          strict: options.strict,
          dryRun: options.dryRun,
          lang,
          onProgress: bar?.update,
          onPhase: timings ? (phase, ms) => console.error(`phase ${phase} ${ms.toFixed(0)} ms`) : undefined,
          // Saved segments (and the RFM snapshot) follow the data, in the import's own transaction,
          // after every import that changed something.
          afterChanges: async (session, touched, stats, before) => {
            if (stats.inserted + stats.updated + stats.merged === 0) return;
            refreshed = await refreshAfterChanges(session, workspace, touched, before);
          },
        });
        bar?.stop();
        if (!options.json) for (const moved of refreshed) console.error(segmentLine(moved, lang));
        return result;
      }).finally(() => bar?.stop());
      finish(stats, options, lang);
    });
}

/** The import's result on stdout, and exit code 1 when a strict import found bad rows. */
function finish(stats: ImportStats, options: ImportCliOptions, lang: ImportLang): void {
  if (options.json) printJson(stats);
  else for (const line of summaryLines(stats, options, lang)) console.log(line);
  if (options.strict && stats.rejected > 0) process.exitCode = 1;
}
