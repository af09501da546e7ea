import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { GLOBAL_TABLES } from '../src/db/citus.ts';

const BIN = new URL('../bin/retain.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-db-'));
const url = process.env.TEST_DATABASE_URL;
const schema = `retain_test_cli_db_${randomBytes(4).toString('hex')}`;

function retain(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, RETAIN_DATA_DIR: join(dir, 'data'), DATABASE_URL: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

async function query<T>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (url) await query(`drop schema if exists ${schema} cascade`);
});

describe('retain db distribute', () => {
  it('refuses the embedded store and a bad shard count with one clear line', () => {
    const embedded = retain(['db', 'distribute']);
    expect(embedded.code).toBe(1);
    expect(embedded.stderr).toBe(
      'retain: the embedded store cannot be distributed: set DATABASE_URL to a Citus coordinator',
    );
    for (const bad of ['0', 'x', '99999']) {
      const r = retain(['db', 'distribute', '--shard-count', bad]);
      expect(r.code, bad).toBe(1);
      expect(r.stderr, bad).toMatch(/^retain: --shard-count: a whole number from 1 to 1024/);
      expect(r.stderr.split('\n')).toHaveLength(1);
    }
  });

  it.runIf(url)(
    'distributes a server database by workspace when it is a Citus coordinator, else says why not',
    async () => {
      await query(`create schema ${schema}`);
      const env = {
        DATABASE_URL: `${url}${url!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      };
      const citus = (
        await query<{ n: number }>(`select count(*)::int as n from pg_extension where extname = 'citus'`)
      )[0]!.n;
      const first = retain(['db', 'distribute', '--shard-count', '4', '--json'], env);
      if (citus === 0) {
        expect(first.code).toBe(1);
        expect(first.stderr).toMatch(/^retain: the database has no citus extension/);
        return;
      }
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const plan = JSON.parse(first.stdout);
      expect([...plan.reference].sort()).toEqual([...GLOBAL_TABLES].sort());
      expect(plan.distributed[0]).toBe('customers');
      const kinds = await query<{ kind: string; colocations: number; shards: number; tables: number }>(
        `select citus_table_type as kind, count(distinct colocation_id)::int as colocations,
         max(shard_count)::int as shards, count(*)::int as tables
       from citus_tables where table_name::text like $1 group by 1 order by 1`,
        [`${schema}.%`],
      );
      expect(kinds).toEqual([
        { kind: 'distributed', colocations: 1, shards: 4, tables: plan.distributed.length },
        { kind: 'reference', colocations: 1, shards: 1, tables: GLOBAL_TABLES.length },
      ]);
      // Idempotent: a second run finds nothing left to do.
      const again = retain(['db', 'distribute'], env);
      expect(again.code).toBe(0);
      expect(again.stdout.trim()).toBe(
        `nothing to do: all ${plan.distributed.length + GLOBAL_TABLES.length} tables are distributed already`,
      );
      // And the store works on the cluster: an import, then RFM over it.
      const orders = join(dir, 'orders.csv');
      writeFileSync(
        orders,
        [
          'order_id,customer_id,ordered_at,amount,status',
          'A1,C1,2024-03-01 10:00,100.00,completed',
          'A2,C1,2024-04-01 10:00,50.00,completed',
          'A3,C2,2024-04-02 10:00,30.00,completed',
        ].join('\n'),
      );
      const imported = retain(['-w', 'shop', 'import', 'orders', orders, '--json'], env);
      expect(imported.code, imported.stderr).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ read: 3, inserted: 3, rejected: 0 });
      const rfm = retain(['-w', 'shop', 'rfm', '--as-of', '2024-04-30', '--format', 'json'], env);
      expect(rfm.code, rfm.stderr).toBe(0);
      const rows = JSON.parse(rfm.stdout) as { customer_id: string; frequency: number; monetary: number }[];
      expect(rows.map((r) => [r.customer_id, r.frequency, r.monetary]).sort()).toEqual([
        ['C1', 2, 15000],
        ['C2', 1, 3000],
      ]);
    },
  );
});
