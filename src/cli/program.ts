import { createRequire } from 'node:module';
import { Command, CommanderError, Help } from 'commander';
import { setClock } from '../shared/clock.ts';
import { RetainError } from '../shared/errors.ts';
import { COMMAND_MODULES, moduleOf } from './command-table.ts';

/** The package's version (`retain --version`); package.json is two levels up from src/cli and dist/cli alike. */
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

function newProgram(): Command {
  return new Command('retain')
    .description('Retain 复购客户管理 — the repeat-purchase CRM')
    .version(VERSION, '-V, --version', 'print the version')
    .option('-w, --workspace <name>', 'workspace to work in (created on first use)', 'default')
    .option('--now <time>', 'run as if it were this time (ISO 8601; also RETAIN_NOW), for simulations')
    .hook('preAction', (command) => {
      const now = command.opts().now as string | undefined;
      if (now !== undefined) setClock(now);
    })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}

/** The first argument that is neither an option nor the value of `-w/--workspace` or `--now`. */
export function commandName(args: readonly string[]): string | undefined {
  for (let k = 0; k < args.length; k++) {
    const arg = args[k]!;
    if (arg === '-w' || arg === '--workspace' || arg === '--now') k++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** The command whose module is needed: the one being run, or the one `retain help NAME` is about. */
function wanted(args: readonly string[]): string | undefined {
  const name = commandName(args);
  if (name !== 'help') return name;
  const rest = args.slice(args.indexOf('help') + 1);
  return commandName(rest);
}

/**
 * The top-level commands as help lists them, from the summaries alone (no module loaded): for
 * `--help`, `--version`, no command, or an unknown one (which commander names, with a suggestion).
 */
function registerSummaries(program: Command): void {
  const terms = new Map<string, string>();
  for (const { commands } of COMMAND_MODULES)
    for (const [name, term, description] of commands) {
      terms.set(name, term);
      program.command(name).description(description);
    }
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
}

/**
 * The `retain` program for these arguments, with only the command module they need loaded; a
 * new program each time (a server hosts many commands, and commander keeps parsed options).
 */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = newProgram();
  const module = moduleOf(wanted(args));
  if (module) for (const register of await module.load()) register(program);
  else registerSummaries(program);
  return program;
}

/** One readable line for every failure; a stack trace only with RETAIN_DEBUG=1. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof RetainError) {
    console.error(`retain: ${error.message}`);
    return 1;
  }
  if (process.env.RETAIN_DEBUG) console.error(error);
  const message = error instanceof Error ? error.message : String(error);
  console.error(`retain: unexpected error: ${message.split('\n')[0]}`);
  return 2;
}
