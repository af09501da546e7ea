import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { importFile } from '../src/importing/import-service.ts';
import { bgnbdExpected, bgnbdPAlive } from '../src/predict/bgnbd.ts';
import { gammaGammaExpectedSpend } from '../src/predict/gamma-gamma.ts';
import {
  customerPrediction,
  fitAndCheck,
  latestFit,
  refreshPredictions,
} from '../src/predict/predict-service.ts';
import { runDailyTasks } from '../src/worker/daily-tasks.ts';
import { createWorkspace, ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { cdnowSample, cdnowSampleCsv } from './cdnow-sample.ts';
import { CliInProcess } from './cli-in-process.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-predict-'));
const csvFile = join(dir, 'cdnow-sample.csv');
writeFileSync(csvFile, cdnowSampleCsv());
const sample = cdnowSample();

afterAll(dropTestSchemas);

describe.each(storesUnderTest())('predictions on CDNOW ($name)', (store) => {
  it('reproduces the published fits and counts, checks the holdout, and stores every customer', async () => {
    const database = await store.open();
    try {
      const ws = await createWorkspace(database.db, {
        name: 'cdnow',
        timezone: 'America/New_York',
        currency: 'USD',
      });
      // A ¥0 order counts as a purchase; one refunded in full, a pending and a cancelled one do not.
      const stats = await importFile(database, { kind: 'orders', file: csvFile, workspace: ws });
      expect(stats).toMatchObject({ read: 6919, inserted: 6919, rejected: 0 });

      const bg = await fitAndCheck(database, ws, cliActor(), {
        calibrationEnd: '1997-09-30',
        unit: 'week',
        model: 'bgnbd',
      });
      expect([bg.customers, bg.repeat_customers, bg.repeat_purchases]).toEqual([2357, 946, 2457]);
      expect(bg.params.r).toBeCloseTo(0.243, 3);
      expect(bg.params.alpha).toBeCloseTo(4.414, 3);
      expect(bg.params.a).toBeCloseTo(0.793, 3);
      expect(bg.params.b).toBeCloseTo(2.426, 3);
      expect(bg.log_likelihood).toBeCloseTo(-9582.4, 1);
      expect(bg.spend!.p).toBeCloseTo(6.25, 2);
      expect(bg.spend!.q).toBeCloseTo(3.74, 2);
      expect(bg.spend!.gamma).toBeCloseTo(15.44, 2);

      // The holdout: 39 weeks to 1998-06-30, 1,882 purchases, each bin's actuals as the file has them,
      // and the expectations as the closed form gives them for the file's own summaries.
      const h = bg.holdout!;
      expect([h.end, h.days, h.actual]).toEqual(['1998-06-30', 273, 1882]);
      for (const bin of h.bins) {
        const inBin = sample.filter((c) => (bin.x === '7+' ? c.x >= 7 : c.x === Number(bin.x)));
        expect(bin.customers).toBe(inBin.length);
        expect(bin.actual).toBe(inBin.reduce((t, c) => t + c.holdout, 0));
        const expected = inBin.reduce((t, c) => t + bgnbdExpected(bg.params as never, 39, c.x, c.tx, c.T), 0);
        expect(bin.expected).toBeCloseTo(expected, 6);
      }
      // The model's total for the holdout, against the 1,882 that happened (README: 1,653).
      expect(h.expected).toBeGreaterThan(1600);
      expect(h.expected).toBeLessThan(1700);

      const pareto = await fitAndCheck(database, ws, cliActor(), {
        calibrationEnd: '1997-09-30',
        unit: 'week',
        model: 'paretonbd',
      });
      expect(pareto.params.r).toBeCloseTo(0.553, 3);
      expect(pareto.params.alpha).toBeCloseTo(10.578, 3);
      expect(pareto.params.s).toBeCloseTo(0.606, 3);
      expect(pareto.params.beta).toBeCloseTo(11.669, 3);
      expect(pareto.log_likelihood).toBeCloseTo(-9595.0, 1);
      expect((await latestFit(database.db, ws.id))!.id).toBe(pareto.id);

      // Scoring as of the calibration end: one stored row per customer, each as the formulas give it.
      const refreshed = await refreshPredictions(database, ws, { asOf: '1997-09-30', actor: cliActor() });
      expect(refreshed.customers).toBe(2357);
      const ids = new Map(
        (
          await database.db
            .selectFrom('customers')
            .select(['id', 'external_id'])
            .where('workspace_id', '=', ws.id)
            .execute()
        ).map((c) => [c.external_id!, Number(c.id)]),
      );
      const p = refreshed.fit.params as never;
      const gg = refreshed.fit.spend!;
      for (const c of [
        sample[0]!,
        sample[100]!,
        sample.find((s) => s.x >= 7)!,
        sample.find((s) => s.x === 0)!,
      ]) {
        const stored = await customerPrediction(database.db, ws.id, ids.get(c.id)!);
        expect(stored.p_alive).toBeCloseTo(bgnbdPAlive(p, c.x, c.tx, c.T), 10);
        expect(stored.expected_purchases_90d).toBeCloseTo(bgnbdExpected(p, 90 / 7, c.x, c.tx, c.T), 10);
        expect(stored.expected_spend).toBe(Math.round(gammaGammaExpectedSpend(gg, c.x, c.zbar) * 100));
        expect(stored.as_of).toBe('1997-09-30');
        // CLV: 12 months of 30 days (the last one 5 days), discounted at 1% a month, margin 1.
        let clv = 0;
        let before = 0;
        for (let k = 1; k <= 13; k++) {
          const now = bgnbdExpected(p, Math.min(30 * k, 365) / 7, c.x, c.tx, c.T);
          clv += (now - before) / 1.01 ** k;
          before = now;
        }
        expect(stored.predicted_clv).toBe(Math.round(clv * gammaGammaExpectedSpend(gg, c.x, c.zbar) * 100));
      }
      const audit = await database.db
        .selectFrom('audit_log')
        .select('action')
        .where('workspace_id', '=', ws.id)
        .where('action', 'like', 'predict.%')
        .execute();
      expect(audit.map((a) => a.action).sort()).toEqual(['predict.fit', 'predict.fit', 'predict.refresh']);
    } finally {
      await database.close();
    }
  }, 120_000);

  it('counts a ¥0 order, merges a day, and leaves out refunded, pending and cancelled orders', async () => {
    const database = await store.open();
    try {
      const ws = await createWorkspace(database.db, {
        name: 'rules',
        timezone: 'Asia/Shanghai',
        currency: 'CNY',
      });
      const file = join(dir, 'rules.csv');
      writeFileSync(
        file,
        [
          'order_id,customer_id,ordered_at,amount,status,refunded_amount',
          'A1,A,2024-01-01 10:00,100,paid,0',
          'A2,A,2024-01-01 20:00,50,completed,0', // same local day: one purchase, net 150
          'A3,A,2024-02-01 10:00,0,paid,0', // a free gift still counts
          'A4,A,2024-03-01 10:00,80,refunded,80',
          'A5,A,2024-03-02 10:00,80,paid,80', // refunded in full
          'A6,A,2024-03-03 10:00,80,pending,0',
          'A7,A,2024-03-04 10:00,80,cancelled,0',
          'A8,A,2024-03-05 10:00,90,paid,30', // partly refunded: counts, net 60
          'B1,B,2024-01-10 10:00,200,paid,0',
          'B2,B,2024-02-10 10:00,100,paid,0',
          'C1,C,2024-01-20 10:00,300,paid,0',
        ].join('\n'),
      );
      await importFile(database, { kind: 'orders', file, workspace: ws });
      const fit = await fitAndCheck(database, ws, cliActor(), { calibrationEnd: '2024-03-31', unit: 'day' });
      // A: 3 purchase days (01-01, 02-01, 03-05) → 2 repeats; B: 1 repeat; C: none.
      expect([fit.customers, fit.repeat_customers, fit.repeat_purchases]).toEqual([3, 2, 3]);
      expect(fit.holdout).toBeNull();
      // The worker's daily pass refits and stores everyone's prediction once a local day.
      const daily = await runDailyTasks(database, ws, new Date('2024-04-01T10:00:00+08:00'));
      expect(daily.predictions).toEqual({ customers: 3 });
      const stored = await database.db
        .selectFrom('customer_predictions')
        .select(['as_of', 'p_alive'])
        .where('workspace_id', '=', ws.id)
        .execute();
      expect(stored.map((r) => r.as_of)).toEqual(['2024-04-01', '2024-04-01', '2024-04-01']);
      expect(
        (await runDailyTasks(database, ws, new Date('2024-04-01T20:00:00+08:00'))).predictions,
      ).toBeUndefined();
      const empty = await createWorkspace(database.db, {
        name: 'empty',
        timezone: 'Asia/Shanghai',
        currency: 'CNY',
      });
      expect(
        (await runDailyTasks(database, empty, new Date('2024-04-01T10:00:00+08:00'))).predictions,
      ).toEqual({
        skipped: 1,
      });
    } finally {
      await database.close();
    }
  });
});

describe('retain predict', () => {
  let cli: CliInProcess;
  /** `retain -w cdnow ARGS`, run in this process on the block's store (test/cli-in-process.ts). */
  const retain = (args: string[]) => cli.run(['-w', 'cdnow', ...args]);

  beforeAll(async () => {
    cli = await CliInProcess.open();
    const ws = await ensureWorkspace(cli.store.db, 'cdnow');
    await cli.store.db
      .updateTable('workspaces')
      .set({ timezone: 'America/New_York', currency: 'USD' })
      .where('id', '=', ws.id)
      .execute();
    await importFile(cli.store, {
      kind: 'orders',
      file: csvFile,
      workspace: { ...ws, timezone: 'America/New_York', currency: 'USD' },
    });
  });
  afterAll(() => cli.close());

  it('prints the fit and its holdout check, as a table and as JSON', async () => {
    const table = await retain(['predict', 'fit', '--calibration-end', '1997-09-30', '--unit', 'week']);
    expect(table.stderr).toBe('');
    expect(table.stdout).toMatch(
      /BG\/NBD fit on purchases up to 1997-09-30 \(unit: week\): 2357 customers, 946/,
    );
    expect(table.stdout).toMatch(
      /holdout 1997-09-30 → 1998-06-30 \(273 days\): actual 1882, expected 16\d\d\.\d/,
    );
    const json = await retain([
      'predict',
      'fit',
      '--calibration-end',
      '1997-09-30',
      '--model',
      'paretonbd',
      '--json',
    ]);
    const fit = JSON.parse(json.stdout);
    expect(Object.keys(fit.params)).toEqual(['r', 'alpha', 's', 'beta']);
    expect(fit.params.beta).toBeCloseTo(11.669, 3);
    expect(fit.log_likelihood).toBeCloseTo(-9595.0, 1);
  });

  it('writes one row per customer with a purchase, as CSV and JSON', async () => {
    const out = join(dir, 'predictions.csv');
    const r = await retain([
      'predict',
      '--as-of',
      '1997-09-30',
      '--horizon-days',
      '365',
      '--format',
      'csv',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'customer_id,p_alive,expected_purchases_30d,expected_purchases_90d,expected_purchases_365d,expected_spend,predicted_clv,next_order_date',
    );
    expect(lines).toHaveLength(2358);
    const json = JSON.parse((await retain(['predict', '--as-of', '1997-09-30', '--format', 'json'])).stdout);
    expect(json).toHaveLength(2357);
    const first = json.find((row: { customer_id: string }) => row.customer_id === sample[0]!.id);
    expect(first.p_alive).toBeGreaterThan(0);
    expect(first.p_alive).toBeLessThanOrEqual(1);
    expect(first.next_order_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('names the bad option in one line', async () => {
    expect((await retain(['predict', 'fit', '--unit', 'month'])).stderr).toBe(
      'retain: --unit month: expected day or week',
    );
    expect((await retain(['predict', 'fit', '--model', 'x'])).stderr).toBe(
      'retain: --model x: expected bgnbd or paretonbd',
    );
    expect((await retain(['predict', 'fit', '--calibration-end', '2024-02-30'])).stderr).toBe(
      'retain: --calibration-end 2024-02-30: expected a date as YYYY-MM-DD',
    );
    expect((await retain(['predict', '--horizon-days', '7'])).stderr).toBe(
      'retain: --horizon-days 7: expected a whole number of days from 30 to 3650',
    );
    expect((await retain(['predict', '--format', 'xml'])).stderr).toBe(
      'retain: --format xml: expected one of csv, json',
    );
  });
});
