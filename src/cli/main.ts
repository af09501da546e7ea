import { Command, CommanderError } from 'commander';
import { setClock } from '../shared/clock.ts';
import { RetainError } from '../shared/errors.ts';
import { registerAccessCommands } from './commands/access.ts';
import { registerCouponCommands } from './commands/coupons.ts';
import { registerCustomersCommands } from './commands/customers.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerJourneyCommands, registerWorkerCommand } from './commands/journeys.ts';
import { registerLoyaltyCommands, registerReferralCommands } from './commands/loyalty.ts';
import { registerMessagingCommands } from './commands/messaging.ts';
import { registerMetricsCommands } from './commands/metrics.ts';
import { registerProductCommands } from './commands/products.ts';
import { registerSegmentationCommands } from './commands/rfm.ts';
import { registerSegmentCommands } from './commands/segments.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerWorkspaceCommands } from './commands/workspace.ts';

const program = new Command('retain')
  .description('Retain 复购客户管理 — the repeat-purchase CRM')
  .option('-w, --workspace <name>', 'workspace to work in (created on first use)', 'default')
  .option('--now <time>', 'run as if it were this time (ISO 8601; also RETAIN_NOW), for simulations')
  .hook('preAction', (command) => {
    const now = command.opts().now as string | undefined;
    if (now !== undefined) setClock(now);
  })
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerWorkspaceCommands(program);
registerImportCommand(program);
registerCustomersCommands(program);
registerSegmentationCommands(program);
registerMetricsCommands(program);
registerSegmentCommands(program);
registerDemoCommand(program);
registerServeCommand(program);
registerAccessCommands(program);
registerCouponCommands(program);
registerLoyaltyCommands(program);
registerReferralCommands(program);
registerMessagingCommands(program);
registerJourneyCommands(program);
registerProductCommands(program);
registerWorkerCommand(program);

/** One readable line for every failure; a stack trace only with RETAIN_DEBUG=1. */
function report(error: unknown): number {
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

// `retain rfm --format csv | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
