import { serverHoldingStore } from '../api/index.ts';
import { storeOptionsFromEnv } from '../config.ts';
import { forwardToServer, mayForward } from './forward.ts';
import { buildProgram, commandName, reportError } from './program.ts';

// `retain rfm --format csv | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const args = process.argv.slice(2);

/** The `retain serve` holding the embedded store this command would open, if any. */
function holdingServer(name: string | undefined) {
  if (!mayForward(name) || args.includes('--help') || args.includes('-h')) return undefined;
  const store = storeOptionsFromEnv();
  return store.url || !store.dataDir ? undefined : serverHoldingStore(store.dataDir);
}

try {
  const server = holdingServer(commandName(args));
  if (server) {
    const usesNow =
      args.some((a) => a === '--now' || a.startsWith('--now=')) || Boolean(process.env.RETAIN_NOW);
    process.exitCode = await forwardToServer(server, args, usesNow);
  } else await (await buildProgram(args)).parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}
