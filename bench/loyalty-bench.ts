/**
 * `npm run bench:loyalty`: issuing a coupon to every member of a 1M-customer segment
 * (BENCH_CUSTOMERS) on the embedded store, beside a baseline in the same run: generating the same
 * number of codes and inserting them into a plain table with the same chunked statements, with
 * no limits, budget or lock. Runs on a copy of the benchmarks' customer store.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { newCouponCodes } from '../src/loyalty/coupon-code.ts';
import { issueCoupons } from '../src/loyalty/coupon-issue.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { createSegment, segmentMemberIds } from '../src/segments/segment-service.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { millionCustomerStore } from './customer-store.ts';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const source = await millionCustomerStore(customers);
const copy = join(mkdtempSync(join(tmpdir(), 'retain-bench-loyalty-')), 'store');
cpSync(source, copy, { recursive: true });
const store = await openDatabase({ dataDir: copy });
try {
  const ws = await ensureWorkspace(store.db, 'bench');
  await createSegment(store.db, ws, 'everyone with a phone', { identity: 'phone' });
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
