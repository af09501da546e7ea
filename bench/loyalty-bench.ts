/**
 * `npm run bench:loyalty`, two parts on the embedded store (BENCH_PART=issue|replay, default both):
 * - issue: a coupon to every member of a 1M-customer segment (BENCH_CUSTOMERS), beside generating
 *   as many codes and inserting them into a plain table with the same chunked statements (no
 *   limits, budget or lock); on a copy of the benchmarks' customer store.
 * - replay: importing the generated orders file (BENCH_ORDERS, default 10M) with points earning and
 *   tier evaluation switched on, beside importing the same file with them off; each into a fresh
 *   store. The target is at least half the plain import's rate.
 */
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { cliActor } from '../src/access/caller.ts';
import { openDatabase } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { newCouponCodes } from '../src/loyalty/coupon-code.ts';
import { issueCoupons } from '../src/loyalty/coupon-issue.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { evaluateTiers } from '../src/loyalty/tier-evaluate.ts';
import { createSegment, segmentMemberIds } from '../src/segments/segment-service.ts';
import { todayIn } from '../src/shared/local-date.ts';
import { ensureWorkspace, saveSettings } from '../src/workspaces/workspace-service.ts';
import { setSetting } from '../src/workspaces/workspace-settings.ts';
import { millionCustomerStore } from './customer-store.ts';
import { generateOrdersFile } from './generate-orders.ts';

const part = process.env.BENCH_PART;
const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const orders = Number(process.env.BENCH_ORDERS ?? 10_000_000);

/** Issuing a coupon to every member of a 1M-customer segment, and the plain-insert baseline. */
async function benchIssue() {
  const source = await millionCustomerStore(customers);
  const copy = join(mkdtempSync(join(tmpdir(), 'retain-bench-loyalty-')), 'store');
  cpSync(source, copy, { recursive: true });
  const store = await openDatabase({ dataDir: copy });
  try {
    const ws = await ensureWorkspace(store.db, 'bench');
    await createSegment(store.db, ws, 'everyone with a phone', { identity: 'phone' }, { actor: cliActor() });
    const template = await createCouponTemplate(store.db, ws, {
      name: '老客回归 满100减20',
      kind: 'amount_off',
      amount_off: 2000,
      threshold: 10000,
      valid_days: 30,
    });

    let started = performance.now();
    const members = await segmentMemberIds(store.db, ws.id, 'everyone with a phone');
    const result = await issueCoupons(store.db, template, members, {
      source: 'segment',
      ref: 'everyone with a phone',
    });
    const retainSeconds = (performance.now() - started) / 1000;

    await sql`create table baseline_codes (code text, customer_id bigint)`.execute(store.db);
    started = performance.now();
    const ids = await segmentMemberIds(store.db, ws.id, 'everyone with a phone');
    const codes = newCouponCodes(ids.length);
    for (let i = 0; i < ids.length; i += 50_000) {
      await sql`insert into baseline_codes select * from unnest(${codes.slice(i, i + 50_000)}::text[], ${ids.slice(i, i + 50_000)}::bigint[])`.execute(
        store.db,
      );
    }
    const baselineSeconds = (performance.now() - started) / 1000;

    console.log(`\nLoyalty benchmark (embedded PGlite store, ${customers.toLocaleString('en')} customers)\n`);
    console.log('| run | coupons | seconds | per second |\n|---|---:|---:|---:|');
    console.log(
      `| Retain: issue to the segment (limits, budget, codes, lock) | ${result.issued.toLocaleString('en')} | ${retainSeconds.toFixed(1)} | ${Math.round(result.issued / retainSeconds).toLocaleString('en')} |`,
    );
    console.log(
      `| baseline: generate codes, insert into a plain table | ${ids.length.toLocaleString('en')} | ${baselineSeconds.toFixed(1)} | ${Math.round(ids.length / baselineSeconds).toLocaleString('en')} |`,
    );
    console.log(
      `\ntarget (1M coupons to a segment in under 30 s): ${result.issued >= customers && retainSeconds < 30 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await store.close();
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Seconds to import the orders file into a fresh store, with loyalty on or off. */
async function importSeconds(file: string, loyalty: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'retain-bench-replay-'));
  const store = await openDatabase({ dataDir: dir });
  try {
    let ws = await ensureWorkspace(store.db, 'bench');
    if (loyalty) {
      let raw: unknown = ws.settings;
      raw = setSetting(raw, 'points.enabled', true);
      raw = setSetting(raw, 'tiers.enabled', true);
      ws = await saveSettings(store.db, ws.id, raw as Record<string, unknown>);
    }
    const started = performance.now();
    await importFile(store, { kind: 'orders', file, workspace: ws });
    if (loyalty) await store.db.transaction().execute((trx) => evaluateTiers(trx, ws, todayIn(ws.timezone)));
    return (performance.now() - started) / 1000;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The orders replay with and without points and tiers. */
async function benchReplay() {
  const out = join(new URL('.', import.meta.url).pathname, 'out');
  const file = join(out, `orders-${orders}.csv`);
  if (!existsSync(file)) {
    await generateOrdersFile(`${file}.tmp`, orders);
    renameSync(`${file}.tmp`, file);
  }
  const plain = await importSeconds(file, false);
  const loyal = await importSeconds(file, true);
  const rate = (s: number) => Math.round(orders / s).toLocaleString('en');
  console.log(`\nReplay of ${orders.toLocaleString('en')} generated orders (embedded PGlite store)\n`);
  console.log('| run | seconds | orders/s |\n|---|---:|---:|');
  console.log(
    `| Retain import with points earning and tier evaluation | ${loyal.toFixed(1)} | ${rate(loyal)} |`,
  );
  console.log(`| baseline: the same import with loyalty off | ${plain.toFixed(1)} | ${rate(plain)} |`);
  console.log(
    `\ntarget (at least half the plain rate): ${plain / loyal >= 0.5 ? 'met' : 'NOT met'} (${(plain / loyal).toFixed(2)} of it)`,
  );
}

if (part !== 'replay') await benchIssue();
if (part !== 'issue') await benchReplay();
