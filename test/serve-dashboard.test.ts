import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_DIR, dashboardIsStale, ensureDashboard } from '../src/web/dashboard-build.ts';
import { freePort } from './local-servers.ts';

// `retain serve` always serves the current dashboard: it builds web/dist when missing or older than
// its sources. The decision is tested on temporary trees; the serving on a copy of the real build
// (test/global-setup.ts keeps it current), so no test pays for a full build.
const bin = new URL('../bin/retain.js', import.meta.url).pathname;

/** A web tree: src/main.tsx, index.html and vite.config.ts, all dated `at` (seconds). */
function webTree(at: number) {
  const webDir = mkdtempSync(join(tmpdir(), 'retain-web-'));
  mkdirSync(join(webDir, 'src'));
  writeFileSync(join(webDir, 'src', 'main.tsx'), 'export {};\n');
  writeFileSync(join(webDir, 'index.html'), '<div id="root"></div>\n');
  for (const f of ['src/main.tsx', 'src', 'index.html']) utimesSync(join(webDir, f), at, at);
  return webDir;
}

/** A build in `distDir` dated `at`. */
function built(distDir: string, at: number) {
  mkdirSync(distDir, { recursive: true });
  writeFileSync(join(distDir, 'index.html'), '<html>built</html>\n');
  utimesSync(join(distDir, 'index.html'), at, at);
}

describe('the dashboard build before serving', () => {
  it('is stale when missing or older than any source, current otherwise', () => {
    const webDir = webTree(1_000_000);
    const distDir = join(webDir, 'dist');
    expect(dashboardIsStale({ webDir, distDir })).toBe(true);
    built(distDir, 2_000_000);
    expect(dashboardIsStale({ webDir, distDir })).toBe(false);
    // A source edited after the build, however deep.
    utimesSync(join(webDir, 'src', 'main.tsx'), 3_000_000, 3_000_000);
    expect(dashboardIsStale({ webDir, distDir })).toBe(true);
    built(distDir, 4_000_000);
    expect(dashboardIsStale({ webDir, distDir })).toBe(false);
    writeFileSync(join(webDir, 'vite.config.ts'), 'export default {};\n');
    utimesSync(join(webDir, 'vite.config.ts'), 5_000_000, 5_000_000);
    expect(dashboardIsStale({ webDir, distDir })).toBe(true);
    // A contract in the server's sources (the dashboard bundles them) edited after the build.
    built(distDir, 6_000_000);
    const srcDir = mkdtempSync(join(tmpdir(), 'retain-src-'));
    writeFileSync(join(srcDir, 'messaging-contract.ts'), 'export {};\n');
    utimesSync(join(srcDir, 'messaging-contract.ts'), 5_500_000, 5_500_000);
    utimesSync(srcDir, 5_500_000, 5_500_000);
    expect(dashboardIsStale({ webDir, distDir, srcDir })).toBe(false);
    utimesSync(join(srcDir, 'messaging-contract.ts'), 7_000_000, 7_000_000);
    expect(dashboardIsStale({ webDir, distDir, srcDir })).toBe(true);
  });

  it('a failing build is one line, and what was built before is still served', async () => {
    const webDir = webTree(1_000_000);
    writeFileSync(join(webDir, 'index.html'), '<script type="module" src="/src/missing.tsx"></script>\n');
    const lines: string[] = [];
    // Nothing built yet: nothing to serve.
    expect(await ensureDashboard({ webDir, distDir: join(webDir, 'dist') }, (l) => lines.push(l))).toBe(
      false,
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^retain: building the dashboard into .*dist \(not built yet; this takes a minute\)…$/,
    );
    expect(lines[1]).toMatch(
      /^retain: the dashboard could not be built \(Failed to resolve \/src\/missing\.tsx from .+\); serving the API only — run npm run build/,
    );
    expect(lines[1]).not.toContain('\n');
    // An older build stays served when a rebuild fails.
    built(join(webDir, 'dist'), 500_000);
    lines.length = 0;
    expect(await ensureDashboard({ webDir, distDir: join(webDir, 'dist') }, (l) => lines.push(l))).toBe(true);
    expect(lines[0]).toContain('its sources changed');
    expect(lines[1]).toContain('serving the API and the previous dashboard');
  });

  it('retain serve serves the dashboard at / from the directory it is given', async () => {
    const distDir = join(mkdtempSync(join(tmpdir(), 'retain-dist-')), 'dist');
    cpSync(DASHBOARD_DIR, distDir, { recursive: true });
    const { stderr, page } = await serveDashboard(distDir, async (port) => {
      // A page address of the app gets the same page.
      expect((await fetch(`http://127.0.0.1:${port}/journeys`)).status).toBe(200);
    });
    expect(page).toBe(readFileSync(join(distDir, 'index.html'), 'utf8'));
    // The build was current, so none ran.
    expect(stderr).not.toMatch(/building the dashboard/);
  }, 120_000);

  it('retain serve in a fresh clone builds the missing dashboard, says so, and serves it', async () => {
    // As in a clone where nothing built web/dist: the directory it serves is empty.
    const distDir = join(mkdtempSync(join(tmpdir(), 'retain-dist-')), 'dist');
    const { stderr, page } = await serveDashboard(distDir, async (port, html) => {
      // The page's own script, as the browser would ask for it.
      const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const asset = await fetch(`http://127.0.0.1:${port}${script}`);
      expect(asset.status).toBe(200);
      expect((await asset.text()).length).toBeGreaterThan(10_000);
    });
    expect(stderr).toMatch(
      /^retain: building the dashboard into .*dist \(not built yet; this takes a minute\)…$/m,
    );
    expect(stderr).toMatch(/^retain: dashboard built$/m);
    expect(page).toContain('<div id="root">');
  }, 180_000);
});

/** Runs `retain serve --dashboard-dir distDir`, fetches `/`, lets `check` look further, and stops it. */
async function serveDashboard(
  distDir: string,
  check: (port: number, html: string) => Promise<void>,
): Promise<{ stderr: string; page: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'retain-serve-dash-'));
  const port = await freePort();
  const server = spawn(
    process.execPath,
    [bin, 'serve', '--port', String(port), '--no-worker', '--dashboard-dir', distDir],
    { env: { ...process.env, RETAIN_DATA_DIR: dataDir, DATABASE_URL: '', RETAIN_LOG: 'off' } },
  );
  let stderr = '';
  server.stderr!.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((r) => server.once('exit', r));
  try {
    let page: Response | undefined;
    // A build in a fresh clone comes first; the test's own timeout bounds the wait.
    while (!page) {
      page = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
      if (!page) await new Promise((r) => setTimeout(r, 100));
    }
    expect(page!.status).toBe(200);
    expect(page!.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page!.text();
    await check(port, html);
    return { stderr, page: html };
  } finally {
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
}
