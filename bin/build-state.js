// Where the compiled CLI lives and whether it is up to date with the TypeScript sources; shared by
// bin/build.js (which writes it) and bin/retain.js (which runs it when it is fresh).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file in the build that records when it was made. */
export const BUILD_STAMP = '.build.json';

/** This checkout's `src/`. */
export const sourceDir = () => fileURLToPath(new URL('../src', import.meta.url));

/** Where bin/build.js writes the compiled modules: `dist/`, mirroring `src/` at the same depth. */
export const buildDir = () => fileURLToPath(new URL('../dist', import.meta.url));

/**
 * The newest change under a directory: a file saved, added, removed or renamed (a directory's
 * own time changes with its entries). Tests are skipped: the build leaves them out.
 */
function newestChange(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.endsWith('.test.ts')) continue;
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

/**
 * True when the build (default dist/) holds a build started after the last change to src/ (about 10 ms to check):
 * a source edited since, a checkout of another commit, or no build at all make it false, and the
 * CLI then runs the sources through tsx.
 */
export function buildIsFresh(build = buildDir(), sources = sourceDir()) {
  let started;
  try {
    started = JSON.parse(readFileSync(join(build, BUILD_STAMP), 'utf8')).started;
  } catch {
    return false;
  }
  return typeof started === 'number' && newestChange(sources) < started;
}
