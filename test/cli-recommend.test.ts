import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliInProcess } from './cli-in-process.ts';
import { expectedAssociations, expectedTopN } from './independent-associations.ts';
import { NAMES, ORDERS, PLAIN_ORDERS } from './recommendation-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-cli-recommend-'));
const RULES = { top: 10, recentDays: 90, notSoldDays: 180, seeds: 50 };
const ASSOCIATIONS = expectedAssociations(PLAIN_ORDERS, { minPairs: 2, maxBasket: 50, maxBuyer: 100 });
const cli = await CliInProcess.open();
afterAll(() => cli.close());

/** `retain -w baby ARGS`, run in this process on the file's store (test/cli-in-process.ts). */
const retain = (args: string[]) => cli.run(['-w', 'baby', ...args]);

describe('retain recommend', () => {
  it('writes each customer’s top-N as CSV or JSON and refuses bad options in one line', async () => {
    const file = join(dir, 'lines.csv');
    const rows = ORDERS.flatMap(([order, customer, day, items, status]) =>
      items.map(
        (i) =>
          `${order},${customer},${day} 10:00:00,${i === '手工皂' ? '' : i},${NAMES.get(i)},1,10.00,${status ?? 'paid'}`,
      ),
    );
    writeFileSync(
      file,
      `order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price,status\n${rows.join('\n')}\n`,
    );
    expect((await retain(['import', 'order-lines', file])).code).toBe(0);
    // Nothing stored yet: the first run computes the associations.
    const one = await retain(['recommend', '--customer', 'X', '--top', '2', '--format', 'json']);
    expect(one.code).toBe(0);
    const expected = expectedTopN(PLAIN_ORDERS, ASSOCIATIONS, NAMES, 'X', { ...RULES, top: 2 });
    expect(
      JSON.parse(one.stdout).map((r: { customer_id: string; name: string }) => [r.customer_id, r.name]),
    ).toEqual(expected.map((e) => ['X', e.name]));
    const csv = (await retain(['recommend', '--format', 'csv'])).stdout.trim().split('\n');
    expect(csv[0]).toBe('customer_id,rank,item,name,score,because');
    const everyone = ['A', 'B', 'C', 'D', 'E', 'F', 'X'].flatMap((c) =>
      expectedTopN(PLAIN_ORDERS, ASSOCIATIONS, NAMES, c, RULES).map((e) => `${c},${e.name}`),
    );
    expect(
      csv
        .slice(1)
        .map((l) => `${l.split(',')[0]},${l.split(',')[3]}`)
        .sort(),
    ).toEqual(everyone.sort());
    for (const [args, message] of [
      [['--top', 'abc'], /^retain: --top abc: expected a whole number from 1 to 100$/],
      [['--top', '0'], /^retain: --top 0: expected/],
      [['--top', '1e308'], /^retain: --top 1e308: expected/],
      [['--format', 'xml'], /^retain: --format xml: expected one of csv, json, table$/],
      [['--customer', 'NOBODY\u0001'], /no customer matches/],
      [['--refresh', '--as-of', '2024-02-30'], /--as-of/],
    ] as const) {
      const r = await retain(['recommend', ...args]);
      expect([args.join(' '), r.code === 0, r.stderr.split('\n').length]).toEqual([args.join(' '), false, 1]);
      expect(r.stderr).toMatch(message);
    }
  }, 600_000);
});
