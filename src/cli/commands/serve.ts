import type { Server } from 'node:http';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { bootstrapAdminKey } from '../../access/api-key-service.ts';
import { cliActor } from '../../access/index.ts';
import { newToken } from '../../access/secret-token.ts';
import { createUser } from '../../access/user-service.ts';
import { loopbackUrl, newLocalToken, removeLocalAccess, writeLocalAccess } from '../../api/index.ts';
import { startServer } from '../../api/server.ts';
import { storeOptionsFromEnv } from '../../config.ts';
import { type Database, openDatabase } from '../../db/database.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { DASHBOARD_DIR, ensureDashboard } from '../../web/index.ts';
import { runForever } from '../../worker/index.ts';
import { ensureWorkspace, listWorkspaces } from '../../workspaces/index.ts';
import { runHosted } from '../hosted.ts';
import { buildProgram, reportError } from '../program.ts';

/** The dashboard user a first start creates. */
const FIRST_ADMIN = 'admin@retain.local';

interface ServeOptions {
  port: string;
  host: string;
  worker: boolean;
  workerInterval: string;
  dashboardDir: string;
}

/** `retain serve`: the HTTP API, its OpenAPI document and docs, and the dashboard when built. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API (docs at /api/docs) and the dashboard (at /, once built)')
    .option('--port <port>', 'port', process.env.PORT ?? '3000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--no-worker',
      'do not run journeys and deliver messages in this process (run retain worker instead)',
    )
    .option('--worker-interval <seconds>', 'pause between worker passes', '5')
    .option(
      '--dashboard-dir <dir>',
      'the built dashboard to serve (built there first when missing or older than web/src)',
      DASHBOARD_DIR,
    )
    .action(async (opts: ServeOptions) => {
      const port = Number(opts.port);
      if (!(Number(opts.workerInterval) > 0))
        throw new InvalidInputError(`--worker-interval ${opts.workerInterval}: expected seconds > 0`);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new InvalidInputError(`--port ${opts.port}: expected 0–65535`);
      // Always the current dashboard: built before the store is taken, so a build holds nothing.
      const dashboardDir = resolve(opts.dashboardDir);
      const dashboard = await ensureDashboard({ distDir: dashboardDir }, (line) =>
        process.stderr.write(`${line}\n`),
      );
      const storeOptions = storeOptionsFromEnv();
      const store = await openDatabase(storeOptions);
      const workspaces = await listWorkspaces(store.db);
      const first =
        workspaces.find((w) => w.name === 'default') ??
        workspaces[0] ??
        (await ensureWorkspace(store.db, 'default'));
      const key = await bootstrapAdminKey(store.db, first.id);
      if (key) {
        // And a person to sign in to the dashboard with, since the CLI cannot add one while the
        // server holds the embedded store.
        const password = newToken('', 12);
        await createUser(store.db, first.id, cliActor(), { email: FIRST_ADMIN, password, role: 'admin' });
        process.stderr.write(
          `retain: first start, no users or API keys yet. Admin API key for workspace "${first.name}" (shown once):\n${key}\n` +
            `retain: dashboard sign-in (shown once): ${FIRST_ADMIN} / ${password}\n`,
        );
      }
      // On the embedded store, CLI commands that can go through the API (retain import) are sent
      // here: the token is in memory and in a 0600 file in the data directory, never in a log.
      const dataDir =
        store.kind === 'pglite' && storeOptions.dataDir !== 'memory://' ? storeOptions.dataDir : undefined;
      const localToken = dataDir ? newLocalToken() : undefined;
      const server = await startServer(store, {
        localToken,
        hostedCli: localToken ? (args, cwd) => hostCommand(store, args, cwd) : undefined,
        port,
        host: opts.host,
        logger: process.env.RETAIN_LOG !== 'off',
        trustProxy: process.env.RETAIN_TRUST_PROXY === '1',
        rateLimitPerMinute: process.env.RETAIN_RATE_LIMIT ? Number(process.env.RETAIN_RATE_LIMIT) : undefined,
        dashboardDir: dashboard ? dashboardDir : undefined,
      });
      if (dataDir && localToken) {
        const address = server.server.address();
        const bound = typeof address === 'object' && address ? address.port : port;
        writeLocalAccess(dataDir, {
          pid: process.pid,
          url: loopbackUrl(opts.host, bound),
          token: localToken,
        });
      }
      // The embedded store belongs to this process, so journeys run here too (on a server, any
      // number of `retain worker` processes may share the work instead).
      const stopWorker = new AbortController();
      const worker = opts.worker
        ? runForever(store, {
            intervalMs: Number(opts.workerInterval) * 1000,
            signal: stopWorker.signal,
            onError: (error) =>
              process.stderr.write(`retain: worker pass failed: ${(error as Error).message}\n`),
          })
        : Promise.resolve();
      // Stop taking connections, let in-flight requests, imports and the worker's pass finish, then close the store.
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        if (dataDir && localToken) removeLocalAccess(dataDir, localToken);
        stopWorker.abort();
        await worker;
        await closeLettingResponsesEnd(server);
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      keepServingOnStrayErrors();
    });
}

/**
 * Closes the server once its in-flight requests are answered. Their keep-alive connections turn
 * idle only after the close has begun, and Node closes idle connections only when it begins: a
 * client that keeps its connection open (as fetch does) held the process for the keep-alive
 * timeout, 72 s. So idle connections are closed every 100 ms until the close ends.
 */
async function closeLettingResponsesEnd(server: { close(): Promise<unknown>; server: Server }) {
  const sweep = setInterval(() => server.server.closeIdleConnections(), 100);
  try {
    await server.close();
  } finally {
    clearInterval(sweep);
  }
}

/**
 * The last line of defence: an error that escaped every handler (a stream of one request failing
 * after its answer was sent) is reported on one line and the server goes on, so one request can
 * never take the others down with it. Each such error is a bug to fix where it started.
 */
function keepServingOnStrayErrors(): void {
  const report = (what: string) => (error: unknown) =>
    process.stderr.write(
      `retain: ${what} (server kept running): ${(error as Error)?.message ?? String(error)}\n`,
    );
  process.on('unhandledRejection', report('unhandled rejection'));
  process.on('uncaughtException', report('uncaught exception'));
}

/** Runs a command line sent by `retain` on this machine with this server's store (see cli/hosted.ts). */
function hostCommand(store: Database, args: string[], cwd: string) {
  return runHosted(store, cwd, async () => {
    try {
      await (await buildProgram(args)).parseAsync(args, { from: 'user' });
      return 0;
    } catch (error) {
      return reportError(error);
    }
  });
}
