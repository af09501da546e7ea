import type { Command } from 'commander';
import { startServer } from '../../api/server.ts';
import { storeOptionsFromEnv } from '../../config.ts';
import { openDatabase } from '../../db/database.ts';

/** `retain serve`: the HTTP server (health endpoints for now; the API and dashboard come later). */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server')
    .option('--port <port>', 'port', '3000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const store = await openDatabase(storeOptionsFromEnv());
      const server = await startServer(store, { port: Number(opts.port), host: opts.host });
      const stop = async () => {
        await server.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
