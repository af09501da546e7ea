import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's sources (`web/`) and its build (`web/dist`), next to this checkout's `src/`. */
export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
/** Where `vite build` writes the dashboard that `retain serve` serves. */
export const DASHBOARD_DIR = join(WEB_DIR, 'dist');

const newest = (path: string): number => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
};

/** True when `web/dist` is missing or older than any source it is built from. */
export function dashboardIsStale(): boolean {
  const built = join(DASHBOARD_DIR, 'index.html');
  if (!existsSync(built)) return true;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const sources = [
    join(WEB_DIR, 'src'),
    join(WEB_DIR, 'index.html'),
    join(WEB_DIR, 'vite.config.ts'),
    join(root, 'package-lock.json'),
  ];
  return Math.max(...sources.filter(existsSync).map(newest)) > statSync(built).mtimeMs;
}

/** Builds the dashboard with Vite (loaded only here, so `retain serve` never needs it). */
export async function buildDashboard(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(WEB_DIR, 'vite.config.ts'), root: WEB_DIR, logLevel: 'warn' });
}

/** Builds the dashboard when {@link dashboardIsStale}; true when it built. */
export async function buildDashboardIfStale(): Promise<boolean> {
  if (!dashboardIsStale()) return false;
  await buildDashboard();
  return true;
}
