import type { Command } from 'commander';
import { startServer } from '../../api/server.ts';
import { storeOptionsFromEnv } from '../../config.ts';
import { openDatabase } from '../../db/database.ts';
import { InvalidInputError } from '../../shared/errors.ts';

/** `retain serve`: the HTTP API, its OpenAPI document and docs. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API (docs at /api/docs)')
    .option('--port <port>', 'port', process.env.PORT ?? '3000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new InvalidInputError(`--port ${opts.port}: expected 0–65535`);
      const store = await openDatabase(storeOptionsFromEnv());
      const server = await startServer(store, {
        port,
        host: opts.host,
        logger: process.env.RETAIN_LOG !== 'off',
        trustProxy: process.env.RETAIN_TRUST_PROXY === '1',
        rateLimitPerMinute: process.env.RETAIN_RATE_LIMIT ? Number(process.env.RETAIN_RATE_LIMIT) : undefined,
      });
      // Stop taking connections, let in-flight requests and imports finish, then close the store.
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await server.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
