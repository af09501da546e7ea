import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseUnavailableError } from '../shared/errors.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the embedded store's directory for this process: PGlite is one database in one process,
 * and a second process writing the same files (a CLI command while `retain serve` runs) would
 * corrupt them. A lock left by a process that is gone is taken over. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, 'retain.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new DatabaseUnavailableError(
          dir,
          `the embedded store is in use by process ${holder} (retain serve?); other commands are sent to a running retain serve, but not this one: stop it first, or run both on a PostgreSQL server (DATABASE_URL)`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DatabaseUnavailableError(dir, 'could not take the embedded store’s lock');
}
