import type { HostedCliResult, LocalAccess } from '../api/index.ts';
import { InvalidInputError, RetainError } from '../shared/errors.ts';

/**
 * Commands that run where the store is and so are never sent to a server: the server itself,
 * the worker (the server runs one), and the import (sent through the imports API instead, with
 * its progress bar).
 */
const KEPT_HERE = new Set(['serve', 'worker', 'import']);

/** Whether a command by this name may be sent to the server holding the embedded store. */
export function mayForward(name: string | undefined): name is string {
  return name !== undefined && !KEPT_HERE.has(name);
}

/**
 * Runs a command inside the `retain serve` that holds the embedded store (`POST
 * /api/v1/local/cli` with the server's local token) and prints what it printed; returns its exit
 * code. File paths are read and written by the server, relative to this working directory.
 */
export async function forwardToServer(
  access: LocalAccess,
  args: string[],
  usesNow: boolean,
): Promise<number> {
  if (usesNow)
    throw new InvalidInputError(
      `--now: retain serve (process ${access.pid}) holds the store and runs at its own clock; stop it to run as of another time`,
    );
  let reply: Response;
  try {
    reply = await fetch(`${access.url}/api/v1/local/cli`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${access.token}`,
        'content-type': 'application/json',
        'x-retain-workspace': 'default',
      },
      body: JSON.stringify({ args, cwd: process.cwd() }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new RetainError(
      'unavailable',
      `could not reach the retain serve (process ${access.pid}) at ${access.url} holding the store (${cause}); try again, or stop it and run the command directly`,
    );
  }
  if (!reply.ok) {
    const body = (await reply.json().catch(() => ({}))) as { message?: string };
    throw new RetainError(
      'unavailable',
      `retain serve refused the command: ${body.message ?? `HTTP ${reply.status}`}`,
    );
  }
  const result = (await reply.json()) as HostedCliResult;
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exit_code;
}
