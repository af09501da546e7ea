import { chmodSync, closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { newToken } from '../access/secret-token.ts';

/**
 * How a CLI command reaches the `retain serve` that holds the embedded store: the server writes
 * its loopback address and a random token into the data directory, in a file only its owner may
 * read; the token lives in the server's memory alone, so it stops working when the server stops.
 */
export interface LocalAccess {
  pid: number;
  /** The server's base address on this machine, e.g. `http://127.0.0.1:3000`. */
  url: string;
  token: string;
}

/** The file's name inside the data directory (beside `retain.lock`). */
export const LOCAL_ACCESS_FILE = 'retain.serve.json';
/** Local tokens start so, and are never looked up as API keys. */
export const LOCAL_TOKEN_PREFIX = 'rl_';
/** The header naming the workspace a local-token request works in (URI-encoded: names are Chinese). */
export const LOCAL_WORKSPACE_HEADER = 'x-retain-workspace';

/** A fresh local token. */
export const newLocalToken = () => newToken(LOCAL_TOKEN_PREFIX, 32);

/** The loopback address of a server listening on `host:port` (any-address binds are reached on 127.0.0.1). */
export function loopbackUrl(host: string, port: number): string {
  const h = host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

/**
 * Writes the access file with mode 0600 (created so, then renamed into place, so no reader ever
 * sees it half written or readable by others).
 */
export function writeLocalAccess(dataDir: string, access: LocalAccess): void {
  const path = join(dataDir, LOCAL_ACCESS_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(access)}\n`);
  } finally {
    closeSync(fd);
  }
  // The mode given to open is narrowed by the umask, never widened: set it outright all the same.
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** Removes the access file when it is still this server's. */
export function removeLocalAccess(dataDir: string, token: string): void {
  if (readLocalAccess(dataDir)?.token === token) rmSync(join(dataDir, LOCAL_ACCESS_FILE), { force: true });
}

/** The access file's content, or undefined when absent, unreadable or not ours. */
export function readLocalAccess(dataDir: string): LocalAccess | undefined {
  try {
    const value = JSON.parse(readFileSync(join(dataDir, LOCAL_ACCESS_FILE), 'utf8')) as LocalAccess;
    const ok =
      Number.isInteger(value.pid) &&
      typeof value.url === 'string' &&
      typeof value.token === 'string' &&
      value.token.startsWith(LOCAL_TOKEN_PREFIX);
    return ok ? value : undefined;
  } catch {
    return undefined;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The server holding the embedded store in `dataDir`, when a live `retain serve` holds its lock
 * and has written its access file; undefined otherwise (the store is free, or held by another
 * command, or by a server gone without cleaning up).
 */
export function serverHoldingStore(dataDir: string): LocalAccess | undefined {
  let holder: number;
  try {
    holder = Number(readFileSync(join(dataDir, 'retain.lock'), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(holder) || holder <= 0 || holder === process.pid || !alive(holder)) return undefined;
  const access = readLocalAccess(dataDir);
  return access?.pid === holder ? access : undefined;
}
