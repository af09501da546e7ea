import { Command, CommanderError } from 'commander';
import { setClock } from '../shared/clock.ts';
import { RetainError } from '../shared/errors.ts';

function newProgram(): Command {
  return new Command('retain')
    .description('Retain 复购客户管理 — the repeat-purchase CRM')
    .option('-w, --workspace <name>', 'workspace to work in (created on first use)', 'default')
    .option('--now <time>', 'run as if it were this time (ISO 8601; also RETAIN_NOW), for simulations')
    .hook('preAction', (command) => {
      const now = command.opts().now as string | undefined;
      if (now !== undefined) setClock(now);
    })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}

type Register = (program: Command) => void;

/**
 * Each command module in help order, with the top-level commands it registers. Only the module of
 * the command being run is loaded (all of them for help or an unknown command): loading every
 * module (the web server, spreadsheet reading, …) cost `retain rfm` a second and a half at start.
 */
const MODULES: [string[], () => Promise<Register[]>][] = [
  [['workspace'], async () => [(await import('./commands/workspace.ts')).registerWorkspaceCommands]],
  [['import'], async () => [(await import('./commands/import.ts')).registerImportCommand]],
  [['customers'], async () => [(await import('./commands/customers.ts')).registerCustomersCommands]],
  [['rfm', 'lifecycle'], async () => [(await import('./commands/rfm.ts')).registerSegmentationCommands]],
  [
    ['metrics', 'cohorts', 'clv'],
    async () => [(await import('./commands/metrics.ts')).registerMetricsCommands],
  ],
  [['segments', 'tags'], async () => [(await import('./commands/segments.ts')).registerSegmentCommands]],
  [['demo'], async () => [(await import('./commands/demo.ts')).registerDemoCommand]],
  [['serve'], async () => [(await import('./commands/serve.ts')).registerServeCommand]],
  [
    ['users', 'apikeys', 'audit'],
    async () => [(await import('./commands/access.ts')).registerAccessCommands],
  ],
  [['coupons'], async () => [(await import('./commands/coupons.ts')).registerCouponCommands]],
  [
    ['points', 'tiers', 'referrals'],
    async () => {
      const m = await import('./commands/loyalty.ts');
      return [m.registerLoyaltyCommands, m.registerReferralCommands];
    },
  ],
  [
    ['channels', 'templates', 'send'],
    async () => [(await import('./commands/messaging.ts')).registerMessagingCommands],
  ],
  [
    ['journeys', 'worker'],
    async () => {
      const m = await import('./commands/journeys.ts');
      return [m.registerJourneyCommands, m.registerWorkerCommand];
    },
  ],
  [['products'], async () => [(await import('./commands/products.ts')).registerProductCommands]],
  [['tasks'], async () => [(await import('./commands/tasks.ts')).registerTaskCommands]],
  [['surveys'], async () => [(await import('./commands/surveys.ts')).registerSurveyCommands]],
  [['broadcasts'], async () => [(await import('./commands/broadcasts.ts')).registerBroadcastCommands]],
  [['wecom'], async () => [(await import('./commands/wecom.ts')).registerWecomCommands]],
  [['playbook'], async () => [(await import('./commands/playbook.ts')).registerPlaybookCommands]],
  [['predict'], async () => [(await import('./commands/predict.ts')).registerPredictCommands]],
  [['recommend'], async () => [(await import('./commands/recommend.ts')).registerRecommendCommand]],
  [['spend', 'cac'], async () => [(await import('./commands/acquisition.ts')).registerAcquisitionCommands]],
  [['db'], async () => [(await import('./commands/db.ts')).registerDbCommands]],
];

/** The first argument that is neither an option nor the value of `-w/--workspace` or `--now`. */
export function commandName(args: readonly string[]): string | undefined {
  for (let k = 0; k < args.length; k++) {
    const arg = args[k]!;
    if (arg === '-w' || arg === '--workspace' || arg === '--now') k++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * The `retain` program for these arguments, with only the command modules they need loaded; a
 * new program each time (a server hosts many commands, and commander keeps parsed options).
 */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = newProgram();
  const name = commandName(args);
  const only = MODULES.find(([names]) => name !== undefined && names.includes(name));
  for (const [, load] of only ? [only] : MODULES) for (const register of await load()) register(program);
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
