import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { todayIn } from '../src/shared/local-date.ts';
import { ensureWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { type Fixture, writeFixture } from './dashboard-fixture.ts';
import { freePort } from './local-servers.ts';
import { copyTemplate } from './stores.ts';

/** Where screenshots go (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts', 'dashboard');
/** The password of the fixture's users. */
export const PASSWORD = 'dashboard-test-pass';
const bin = join(import.meta.dirname, '..', 'bin', 'retain.js');

/** What a test adds: data written before the server starts, and environment given to the server. */
export interface DashboardOptions {
  setup?: (store: Database, workspace: Workspace) => Promise<void>;
  env?: (base: string) => Record<string, string>;
  /** Seconds between the server's worker passes (`retain serve --worker-interval`; its default 5). */
  workerInterval?: number;
}

/**
 * A PGlite store with the fixture imported by the product's own importer and three users, then
 * `retain serve` on it (the real server and dashboard) in a child process.
 */
export async function startDashboard(options: DashboardOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'retain-dashboard-'));
  const dataDir = join(dir, 'data');
  // From the migrated template: no initdb and migrations in every browser test file.
  const store = await openDatabase({ dataDir: copyTemplate(dataDir) });
  const workspace = await ensureWorkspace(store.db, 'default');
  const today = todayIn(workspace.timezone);
  const fixture: Fixture = writeFixture(dir, today);
  await importFile(store, { kind: 'customers', file: fixture.customersCsv, workspace });
  await importFile(store, { kind: 'orders', file: fixture.ordersCsv, workspace });
  await createUser(store.db, workspace.id, cliActor(), {
    email: 'admin@shop.test',
    password: PASSWORD,
    role: 'admin',
  });
  await createUser(store.db, workspace.id, cliActor(), {
    email: 'operator@shop.test',
    password: PASSWORD,
    role: 'operator',
  });
  await createUser(store.db, workspace.id, cliActor(), {
    email: 'viewer@shop.test',
    password: PASSWORD,
    role: 'viewer',
  });
  // A second, empty workspace for the same admin, for the workspace switcher.
  const outlet = await ensureWorkspace(store.db, 'outlet');
  await createUser(store.db, outlet.id, cliActor(), {
    email: 'admin@shop.test',
    password: PASSWORD,
    role: 'admin',
    addExisting: true,
  });
  await options.setup?.(store, workspace);
  await store.close();

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let running = await serve(dataDir, port, options.workerInterval, options.env?.(base) ?? {});
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    base,
    dir,
    today,
    timezone: workspace.timezone,
    fixture,
    /** Asks the server to stop; resolves once it has exited (its port and data directory free). */
    stop: () => running.stop(),
    /**
     * Stops the server and starts it again on the same store and port with `env` added to the
     * first start's (e.g. `RETAIN_NOW` for a later simulated time); resolves once it answers.
     */
    restart: async (env: Record<string, string>) => {
      await running.stop();
      running = await serve(dataDir, port, options.workerInterval, { ...options.env?.(base), ...env });
    },
  };
}

/** `retain serve` on a data directory in a child process, once it answers `/healthz`. */
async function serve(dataDir: string, port: number, workerInterval: number | undefined, env: object) {
  const base = `http://127.0.0.1:${port}`;
  const args = [bin, 'serve', '--port', String(port)];
  if (workerInterval) args.push('--worker-interval', String(workerInterval));
  const server: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, RETAIN_DATA_DIR: dataDir, DATABASE_URL: '', RETAIN_LOG: 'off', ...env },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // Two minutes: the server's start (PGlite, the dashboard's files) is slow on a loaded machine.
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {}
    if (server.exitCode !== null || Date.now() > deadline) throw new Error('retain serve did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    stop: () => {
      server.kill('SIGTERM');
      return exited;
    },
  };
}

/** Headless Debian Chromium with a fresh profile, asking for `locale` first. */
export async function openBrowser(locale: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'retain-chromium-')), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: { width: 1280, height: 800 },
    locale,
    acceptDownloads: true,
    // The dashboard leaves out Ant Design's animations then: nothing to wait out before a click.
    reducedMotion: 'reduce',
  });
}

/** A new tab that records every console error and uncaught page error, for the test to check. */
export async function watchedPage(context: BrowserContext) {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return { page, errors };
}

/** Signs in through the login page. */
export async function signIn(
  page: Page,
  base: string,
  email: string,
  labels = { email: '邮箱', password: '密码', submit: '登录' },
) {
  await page.goto(`${base}/`);
  await page.getByLabel(labels.email).fill(email);
  await page.getByLabel(labels.password).fill(PASSWORD);
  await page.getByRole('button', { name: labels.submit, exact: true }).click();
}

/** Saves a full-page screenshot under {@link ARTIFACTS}. */
export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
