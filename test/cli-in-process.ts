import { execFile } from 'node:child_process';
import { Console } from 'node:console';
import { runHosted } from '../src/cli/hosted.ts';
import { buildProgram, reportError } from '../src/cli/program.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { fixedClock, setClock } from '../src/shared/clock.ts';
import { copyTemplate, openPgliteFromTemplate } from './stores.ts';

const BIN = new URL('../bin/retain.js', import.meta.url).pathname;

/** What a `retain` command printed and its exit code, as a process would give them. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How one command runs: extra environment (`RETAIN_NOW`, …) and the directory it is typed in. */
export interface CliRunOptions {
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * `retain` commands run inside the test process on an embedded store it holds open, through the
 * path `retain serve` runs a forwarded command on (src/cli/hosted.ts: the command's own module,
 * the server's store, what it prints captured). A file's many commands then cost one opening of
 * the store instead of a process and an opening each (about 2.5 s of CPU a command). The process
 * itself — its start, exit codes, one-line errors, forwarding to a running server — stays under
 * test in the files that spawn `retain` (test/cli.test.ts, test/cli-start.test.ts, …), and a
 * file whose point is that state survives between processes runs those steps with {@link spawn}.
 *
 * @example
 * const cli = await CliInProcess.open();
 * const { code, stdout } = await cli.run(['-w', 'shop', 'tasks', 'list', '--json']);
 */
export class CliInProcess {
  private constructor(
    private opened: Database,
    private readonly dataDir: string | undefined,
  ) {}

  /** The store the commands run on; a test reads and seeds it directly. */
  get store(): Database {
    return this.opened;
  }

  /** Runs commands on a store the test has opened (PGlite or PostgreSQL); {@link close} closes it. */
  static around(store: Database): CliInProcess {
    return new CliInProcess(store, undefined);
  }

  /** Opens a store copied from the migrated template (into `dataDir` when given). */
  static async open(dataDir?: string): Promise<CliInProcess> {
    const store = dataDir
      ? await openDatabase({ dataDir: copyTemplate(dataDir) })
      : await openPgliteFromTemplate();
    return new CliInProcess(store, dataDir);
  }

  /** Runs `retain ARGS` as the process would (`retain` is not part of `args`). */
  async run(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
    // The command runs on this store whatever the environment names; naming no other store keeps
    // `retain import` from finding a developer's `retain serve` on ./.retain and going there.
    const env = { DATABASE_URL: '', RETAIN_DATA_DIR: this.dataDir ?? 'memory://', ...options.env };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    // vitest gives the test process a console of its own; a command's console must write to the
    // standard streams the hosted run captures.
    const testConsole = globalThis.console;
    // A process starts at the real clock (or RETAIN_NOW), whatever clock the test has fixed.
    const testClock = fixedClock();
    setClock(undefined);
    Object.assign(process.env, env);
    globalThis.console = new Console(process.stdout, process.stderr);
    try {
      const result = await runHosted(this.opened, options.cwd ?? process.cwd(), async () => {
        try {
          await (await buildProgram(args)).parseAsync(['node', 'retain', ...args]);
          return 0;
        } catch (error) {
          return reportError(error);
        }
      });
      return { code: result.exit_code, stdout: result.stdout, stderr: result.stderr.trim() };
    } finally {
      globalThis.console = testConsole;
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      // `--now` fixes the process's clock; a process would end with it.
      setClock(testClock);
    }
  }

  /**
   * Runs `retain ARGS` as a process of its own on the store's data directory (closed here while
   * it runs, as the CLI holds it), for steps whose point is a fresh process.
   */
  async spawn(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
    const dataDir = this.dataDir;
    if (!dataDir) throw new Error('CliInProcess.spawn needs a store opened in a data directory');
    await this.opened.close();
    try {
      return await new Promise((resolve) => {
        execFile(
          process.execPath,
          [BIN, ...args],
          {
            cwd: options.cwd,
            env: { ...process.env, DATABASE_URL: '', RETAIN_DATA_DIR: dataDir, ...options.env },
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr: stderr.trim() }),
        );
      });
    } finally {
      this.opened = await openDatabase({ dataDir });
    }
  }

  /** Closes the store. */
  close(): Promise<void> {
    return this.opened.close();
  }
}
