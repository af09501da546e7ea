import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { addTag, removeTag, tagHistory } from '../src/customers/tag-service.ts';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { periodMetrics } from '../src/metrics/period-metrics.ts';
import {
  createSegment,
  deleteSegment,
  exportSegmentMembers,
  findSegment,
  parseCondition,
  previewSegment,
  refreshSegment,
  segmentMembers,
} from '../src/segments/segment-service.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-segments-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const AS_OF = '2024-06-30';

afterAll(dropTestSchemas);

describe.each(storesUnderTest())('segments and tags ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const matching = async (where: unknown) => {
    const preview = await previewSegment(database.db, ws, parseCondition(where), {
      asOf: AS_OF,
      sample: 100,
    });
    expect(preview.sample).toHaveLength(preview.count);
    return preview.sample.map((c) => c.external_id).sort();
  };

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: 'seg', timezone: 'Asia/Shanghai', currency: 'CNY' });
    await importFile(database, {
      kind: 'customers',
      workspace: ws,
      file: file(
        'customers.csv',
        'customer_id,phone,email,name,city,tags,member_tier\nA,13800000001,a@x.com,张三,杭州,"VIP,母婴",金卡\nB,13800000002,,李四,上海,母婴,\nC,,c@x.com,王五,杭州,,银卡\nD,13800000004,,赵六,北京,,\n',
      ),
    });
    await importFile(database, {
      kind: 'order-lines',
      workspace: ws,
      file: file(
        'lines.csv',
        [
          'order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price,status',
          'O1,A,2024-06-20 10:00,MILK,奶粉,2,200,交易成功',
          'O2,A,2024-03-01 10:00,DIAPER,纸尿裤,1,100,交易成功',
          'O3,B,2024-06-25 10:00,DIAPER,纸尿裤,1,100,交易成功',
          'O4,B,2024-06-26 10:00,DIAPER,纸尿裤,1,100,交易关闭',
          'O5,C,2024-01-10 10:00,MILK,奶粉,1,200,交易成功',
          'O6,A,2024-07-05 10:00,MILK,奶粉,1,200,交易成功',
        ].join('\n'),
      ),
    });
    await importFile(database, {
      kind: 'events',
      workspace: ws,
      file: file(
        'events.csv',
        'customer_id,type,occurred_at,sku\nB,add_to_cart,2024-06-29 23:00,MILK\nC,add_to_cart,2024-06-01 10:00,MILK\nD,view_product,2024-06-30 23:59,TOY\nD,add_to_cart,2024-06-30 16:00:00Z,TOY\n',
      ),
    });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('evaluates every kind of condition as of a date', async () => {
    expect(await matching({ tag: '母婴' })).toEqual(['A', 'B']);
    expect(await matching({ attribute: 'city', op: 'eq', value: '杭州' })).toEqual(['A', 'C']);
    expect(await matching({ attribute: 'member_tier', op: 'not_set' })).toEqual(['B', 'D']);
    expect(await matching({ identity: 'email' })).toEqual(['A', 'C']);
    // Only orders up to the as-of date count: A has 2 (O6 is in July), B 1 (O4 cancelled), C 1.
    expect(await matching({ field: 'order_count', op: 'gte', value: 2 })).toEqual(['A']);
    expect(await matching({ field: 'net_total', op: 'eq', value: 50000 })).toEqual(['A']);
    // Days since the last order up to Jun 30: A 10, B 5, C 172.
    expect(await matching({ field: 'days_since_last_order', op: 'lt', value: 30 })).toEqual(['A', 'B']);
    expect(await matching({ field: 'days_since_first_order', op: 'gte', value: 121 })).toEqual(['A', 'C']);
    // Orders up to the as-of date: MILK in the last 30 days only A (O1); O6 is later.
    expect(await matching({ orders: { within_days: 30, sku: 'MILK' }, op: 'gte', value: 1 })).toEqual(['A']);
    expect(await matching({ orders: {}, measure: 'sum', op: 'gte', value: 50000 })).toEqual(['A']);
    // Events within the last 7 local days: B's cart at 23:00 on Jun 29; D's 16:00Z is Jul 1 local.
    expect(await matching({ event: 'add_to_cart', within_days: 7 })).toEqual(['B']);
    expect(await matching({ event: 'add_to_cart', within_days: 30, properties: { sku: 'MILK' } })).toEqual([
      'B',
      'C',
    ]);
    expect(await matching({ event: 'view_product', within_days: 1, did: false })).toEqual(['A', 'B', 'C']);
    expect(await matching({ lifecycle: ['prospect'] })).toEqual(['D']);
    // M up to the as-of date: B ¥100 (O4 cancelled), C ¥200, A ¥500 → M scores 2, 4, 5.
    expect(await matching({ score: 'm', op: 'gte', value: 4 })).toEqual(['A', 'C']);
    // A: first order 121 days before, last 10 → active (not loyal: tenure < 180); B: first 5 days before → new.
    expect(await matching({ lifecycle: ['new', 'active'] })).toEqual(['A', 'B']);
    expect(await matching({ lifecycle: ['new'] })).toEqual(['B']);
  });

  it('combines conditions with all, any and not (a missing value never matches)', async () => {
    expect(
      await matching({ all: [{ tag: '母婴' }, { attribute: 'city', op: 'eq', value: '杭州' }] }),
    ).toEqual(['A']);
    expect(await matching({ any: [{ tag: 'VIP' }, { identity: 'email' }] })).toEqual(['A', 'C']);
    expect(await matching({ not: { field: 'days_since_last_order', op: 'lt', value: 30 } })).toEqual([
      'C',
      'D',
    ]);
    // "bought MILK but never DIAPER"
    expect(
      await matching({
        all: [
          { orders: { sku: 'MILK' }, op: 'gte', value: 1 },
          { not: { orders: { sku: 'DIAPER' }, op: 'gte', value: 1 } },
        ],
      }),
    ).toEqual(['C']);
  });

  it('stores membership and records who enters and exits on refresh', async () => {
    expect(
      await createSegment(database.db, ws, '母婴客户', parseCondition({ tag: '母婴' }), {
        actor: cliActor(),
      }),
    ).toEqual({
      entered: 2,
      exited: 0,
    });
    const [c, d] = await sql<{
      id: number;
    }>`select id from customers where workspace_id = ${ws.id} and external_id in ('C', 'D') order by external_id`
      .execute(database.db)
      .then((r) => r.rows.map((x) => x.id));
    const [a] = await sql<{
      id: number;
    }>`select id from customers where workspace_id = ${ws.id} and external_id = 'A'`
      .execute(database.db)
      .then((r) => r.rows.map((x) => x.id));
    expect(await addTag(database.db, ws.id, '母婴', [c!, d!])).toBe(2);
    expect(await removeTag(database.db, ws.id, '母婴', [a!])).toBe(1);
    expect(await refreshSegment(database.db, ws, '母婴客户', { actor: cliActor() })).toEqual({
      entered: 2,
      exited: 1,
    });
    expect(await refreshSegment(database.db, ws, '母婴客户', { actor: cliActor() })).toEqual({
      entered: 0,
      exited: 0,
    });
    const { members } = await segmentMembers(database.db, ws.id, '母婴客户');
    expect(members.map((m) => m.customer_id)).toEqual(['B', 'C', 'D']);
    const events = await sql<{ ext: string; action: string }>`
      select c.external_id as ext, e.action from segment_events e join customers c on c.workspace_id = e.workspace_id and c.id = e.customer_id
      where e.workspace_id = ${ws.id} order by e.id`.execute(database.db);
    expect(events.rows.map((e) => `${e.action}:${e.ext}`).sort()).toEqual(
      ['entered:A', 'entered:B', 'entered:C', 'entered:D', 'exited:A'].sort(),
    );
    expect((await tagHistory(database.db, ws.id, a!)).map((h) => [h.tag, h.action, h.source])).toEqual([
      ['VIP', 'added', 'import'],
      ['母婴', 'added', 'import'],
      ['母婴', 'removed', 'manual'],
    ]);
  });

  it('restricts metrics to a segment’s members', async () => {
    await createSegment(
      database.db,
      ws,
      'hangzhou',
      parseCondition({ attribute: 'city', op: 'eq', value: '杭州' }),
      { actor: cliActor() },
    );
    const { id } = await findSegment(database.db, ws.id, 'hangzhou');
    const rows = await periodMetrics(database.db, ws.id, {
      from: '2024-01-01',
      to: '2024-08-01',
      period: 'quarter',
      segmentId: id,
    });
    // Hangzhou is A and C: Q1 has O2 (A, ¥100) and O5 (C, ¥200); Q2 has O1 (A, ¥400); Q3 has O6 (A, ¥200).
    expect(rows.map((r) => [r.period_start, r.buyers, r.orders, r.revenue, r.retention_rate])).toEqual([
      ['2024-01-01', 2, 2, 30000, null],
      ['2024-04-01', 1, 1, 40000, 0.5],
      ['2024-07-01', 1, 1, 20000, 1],
    ]);
  });

  it('writes the audit row with the change in one transaction: both or neither', async () => {
    const tester = { kind: 'cli' as const, id: null, label: 'cli:tester' };
    // PostgreSQL text cannot hold NUL: this actor's audit row fails to insert.
    const broken = { kind: 'cli' as const, id: null, label: 'cli:\u0000' };
    const audits = async (name: string) =>
      (
        await sql<{ action: string; actor_label: string }>`select action, actor_label from audit_log
          where workspace_id = ${ws.id} and object_type = 'segment' and object_id = ${name} order by id`.execute(
          database.db,
        )
      ).rows.map((r) => `${r.action} ${r.actor_label}`);

    await expect(
      createSegment(database.db, ws, '审计', parseCondition({ tag: 'VIP' }), { actor: broken }),
    ).rejects.toThrow();
    await expect(findSegment(database.db, ws.id, '审计')).rejects.toThrow(/no segment/);
    expect(await audits('审计')).toEqual([]);

    expect(
      await createSegment(database.db, ws, '审计', parseCondition({ tag: 'VIP' }), { actor: tester }),
    ).toEqual({ entered: 1, exited: 0 });
    await expect(deleteSegment(database.db, ws.id, '审计', broken)).rejects.toThrow();
    expect((await segmentMembers(database.db, ws.id, '审计')).members.map((m) => m.customer_id)).toEqual([
      'A',
    ]);
    await exportSegmentMembers(database.db, ws.id, '审计', tester, 'csv');
    await deleteSegment(database.db, ws.id, '审计', tester);
    await expect(findSegment(database.db, ws.id, '审计')).rejects.toThrow(/no segment/);
    expect(await audits('审计')).toEqual([
      'segment.create cli:tester',
      'segment.export cli:tester',
      'segment.delete cli:tester',
    ]);
  });

  it('rejects bad conditions with the path at fault', () => {
    expect(() => parseCondition({ all: [{ tag: 'x' }, { tagg: 'x' }] })).toThrow(/all\.1: unknown condition/);
    expect(() => parseCondition({ field: 'order_count', op: 'bigger', value: 1 })).toThrow(/op:/);
    expect(() => parseCondition('{"all": [')).toThrow(/not valid JSON/);
  });
});
