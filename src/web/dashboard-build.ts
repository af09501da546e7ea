import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's sources (`web/`) and its build (`web/dist`), next to this checkout's `src/`. */
export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
/** Where `vite build` writes the dashboard that `retain serve` serves. */
export const DASHBOARD_DIR = join(WEB_DIR, 'dist');

/** Where the dashboard is built from and into; by default this checkout's `web/` and `web/dist`. */
export interface DashboardPaths {
  webDir?: string;
  distDir?: string;
  /**
   * The server's sources the dashboard bundles its contracts from (zod schemas, codes); by default
   * this checkout's `src/` when `webDir` is too.
   */
  srcDir?: string;
}

const newest = (path: string): number => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
};

/** True when the build (`web/dist`) is missing or older than any source it is built from. */
export function dashboardIsStale(paths: DashboardPaths = {}): boolean {
  const webDir = paths.webDir ?? WEB_DIR;
  const built = join(paths.distDir ?? DASHBOARD_DIR, 'index.html');
  if (!existsSync(built)) return true;
  const srcDir = paths.srcDir ?? (paths.webDir ? undefined : join(WEB_DIR, '..', 'src'));
  const sources = [
    ...(srcDir ? [srcDir] : []),
    join(webDir, 'src'),
    join(webDir, 'index.html'),
    join(webDir, 'vite.config.ts'),
    join(webDir, '..', 'package-lock.json'),
  ];
  return Math.max(0, ...sources.filter(existsSync).map(newest)) > statSync(built).mtimeMs;
}

/** Builds the dashboard with Vite (loaded only here, so `retain serve` never needs it otherwise). */
export async function buildDashboard(
  paths: DashboardPaths = {},
  logLevel: 'warn' | 'silent' = 'warn',
): Promise<void> {
  const webDir = paths.webDir ?? WEB_DIR;
  const { build } = await import('vite');
  await build({
    configFile: existsSync(join(webDir, 'vite.config.ts')) ? join(webDir, 'vite.config.ts') : false,
    root: webDir,
    logLevel,
    ...(paths.distDir ? { build: { outDir: paths.distDir, emptyOutDir: true } } : {}),
  });
}

/** Builds the dashboard when {@link dashboardIsStale}; true when it built. */
export async function buildDashboardIfStale(paths: DashboardPaths = {}): Promise<boolean> {
  if (!dashboardIsStale(paths)) return false;
  await buildDashboard(paths);
  return true;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The line of a build error that says what is wrong ("Failed to resolve …"), not "Build failed with 1 error:". */
function firstReason(message: string): string {
  const lines = message
    .replace(ANSI, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = lines.find((l) => /^\w*Error: /.test(l))?.replace(/^\w*Error: /, '');
  const reason =
    error ?? lines.find((l) => !/^Build failed with/.test(l) && !l.startsWith('at ')) ?? lines[0];
  return (reason ?? 'unknown error').slice(0, 300);
}

/**
 * What `retain serve` does before listening: builds the dashboard when it is missing or older
 * than its sources, saying so on one line, and on a failure says why on one line and goes on
 * (the API serves without the dashboard). Returns whether a current dashboard is there to serve.
 */
export async function ensureDashboard(paths: DashboardPaths, say: (line: string) => void): Promise<boolean> {
  const distDir = paths.distDir ?? DASHBOARD_DIR;
  if (!dashboardIsStale(paths)) return true;
  const missing = !existsSync(join(distDir, 'index.html'));
  say(
    `retain: building the dashboard into ${distDir} (${missing ? 'not built yet' : 'its sources changed'}; this takes a minute)…`,
  );
  try {
    // Silent: the one line below says how it went, the whole error is for `npm run build`.
    await buildDashboard(paths, 'silent');
    say('retain: dashboard built');
    return true;
  } catch (error) {
    const reason = firstReason((error as Error)?.message ?? String(error));
    say(
      `retain: the dashboard could not be built (${reason}); serving the API ${existsSync(join(distDir, 'index.html')) ? 'and the previous dashboard' : 'only'} — run npm run build to see the whole error`,
    );
    return existsSync(join(distDir, 'index.html'));
  }
}
