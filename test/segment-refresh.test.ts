import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { addTag } from '../src/customers/tag-service.ts';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { computeSegmentation } from '../src/segments/rfm-service.ts';
import { refreshAfterChanges } from '../src/segments/segment-refresh.ts';
import {
  createSegment,
  findSegment,
  parseCondition,
  previewSegment,
  segmentMembers,
} from '../src/segments/segment-service.ts';
import { todayIn } from '../src/shared/local-date.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-refresh-'));

/** The date `days` before today (UTC), YYYY-MM-DD. */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** `count` orders over 60 customers, spread over the last 400 days. */
function ordersCsv(prefix: string, count: number, seed: number): string {
  const lines = ['order_id,customer_id,ordered_at,amount,status'];
  for (let i = 1; i <= count; i++) {
    const customer = `C${1 + ((i * seed) % 60)}`;
    const date = daysAgo((i * 37 + seed) % 400);
    lines.push(`${prefix}${i},${customer},${date} 08:00:00,${5 + ((i * 31 + seed) % 300)}.00,completed`);
  }
  return lines.join('\n');
}

const SEGMENTS: Record<string, unknown> = {
  'rfm-top': { rfm_group: ['important_value', 'general_value', 'important_keep'] },
  'lifecycle-warm': { lifecycle: ['new', 'active', 'loyal'] },
  'three-orders': { field: 'order_count', op: 'gte', value: 3 },
  'recent-r': { score: 'r', op: 'gte', value: 4 },
  hangzhou: { attribute: 'city', op: 'eq', value: '杭州' },
  vip: { tag: 'vip' },
};

afterAll(dropTestSchemas);

describe.each(storesUnderTest())('segments refreshed after an import ($name)', (store) => {
  let database: Database;
  let ws: Workspace;

  /** Imports orders the way the CLI does, segments refreshed inside the import's transaction. */
  const importOrders = async (name: string, text: string) => {
    const path = join(dir, `${store.name}-${name}`);
    writeFileSync(path, text);
    let refreshed: Awaited<ReturnType<typeof refreshAfterChanges>> = [];
    await importFile(database, {
      kind: 'orders',
      file: path,
      workspace: ws,
      afterChanges: async (session, touched, _stats, before) => {
        refreshed = await refreshAfterChanges(session, ws, touched, before);
      },
    });
    return new Map(refreshed.map((r) => [r.name, r]));
  };
  const members = async (name: string) =>
    new Set((await segmentMembers(database.db, ws.id, name)).members.map((m) => m.customer_id));
  /** Who matches now, evaluated from scratch over every customer. */
  const matching = async (name: string) => {
    const preview = await previewSegment(database.db, ws, parseCondition(SEGMENTS[name]), { sample: 1000 });
    return new Set(preview.sample.map((c) => c.external_id ?? String(c.id)));
  };
  const eventCounts = async (name: string) => {
    const segment = await findSegment(database.db, ws.id, name);
    const rows = await sql<{
      action: string;
      n: number;
    }>`select action, count(*)::int as n from segment_events
      where workspace_id = ${ws.id} and segment_id = ${segment.id} group by action`.execute(database.db);
    const counts = { entered: 0, exited: 0 };
    for (const r of rows.rows) counts[r.action as 'entered' | 'exited'] = r.n;
    return counts;
  };

  /** After an import: every segment holds exactly who matches, and its events the exact moves. */
  const expectExact = async (
    before: Map<string, Set<string>>,
    refreshed: Map<string, { entered: number; exited: number }>,
  ) => {
    for (const name of Object.keys(SEGMENTS)) {
      const now = await matching(name);
      expect(await members(name), name).toEqual(now);
      const was = before.get(name)!;
      const entered = [...now].filter((c) => !was.has(c)).length;
      const exited = [...was].filter((c) => !now.has(c)).length;
      expect(refreshed.get(name), name).toMatchObject({ entered, exited });
    }
  };
  const snapshotOfMembers = async () =>
    new Map(await Promise.all(Object.keys(SEGMENTS).map(async (n) => [n, await members(n)] as const)));

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: 'refresh', timezone: 'UTC', currency: 'CNY' });
    await importOrders('a.csv', ordersCsv('A', 150, 7));
    await sql`update customers set city = case when id % 3 = 0 then '杭州' else '上海' end where workspace_id = ${ws.id}`.execute(
      database.db,
    );
    const ids = await sql<{
      id: number;
    }>`select id from customers where workspace_id = ${ws.id} and id % 4 = 0`.execute(database.db);
    await addTag(
      database.db,
      ws.id,
      'vip',
      ids.rows.map((r) => Number(r.id)),
    );
    await computeSegmentation(database, ws, { asOf: todayIn('UTC') }); // as `retain rfm` would: keeps the snapshot
    for (const [name, condition] of Object.entries(SEGMENTS))
      await createSegment(database.db, ws, name, parseCondition(condition), { actor: cliActor() });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('re-evaluates only what the import can have moved, with exactly the moves a full refresh finds', async () => {
    const before = await snapshotOfMembers();
    const eventsBefore = await eventCounts('rfm-top');
    const refreshed = await importOrders('b.csv', ordersCsv('B', 40, 11));
    await expectExact(before, refreshed);
    for (const name of ['rfm-top', 'lifecycle-warm', 'three-orders', 'recent-r', 'hangzhou'])
      expect(refreshed.get(name)?.incremental, name).toBe(true);
    // Tags change without touching customers: such a segment is always re-evaluated in full.
    expect(refreshed.get('vip')?.incremental).toBe(false);
    const eventsAfter = await eventCounts('rfm-top');
    expect(eventsAfter.entered - eventsBefore.entered).toBe(refreshed.get('rfm-top')!.entered);
    expect(eventsAfter.exited - eventsBefore.exited).toBe(refreshed.get('rfm-top')!.exited);
    // The snapshot was patched in step: RFM reads it and matches the SQL path.
    const asOf = todayIn('UTC');
    const fast = await computeSegmentation(database, ws, { asOf });
    const slow = await computeSegmentation(database.db, ws, { asOf });
    expect([...fast.scores.group]).toEqual([...slow.scores.group]);
    expect([...fast.stages]).toEqual([...slow.stages]);
  });

  it('falls back to a full refresh when customers changed behind the segments’ back', async () => {
    // Moves customers into and out of `hangzhou` without refreshing anything.
    await sql`update customers set city = case when city = '杭州' then '上海' else '杭州' end
      where workspace_id = ${ws.id} and id % 5 = 0`.execute(database.db);
    const before = await snapshotOfMembers();
    const refreshed = await importOrders('c.csv', ordersCsv('C', 20, 13));
    await expectExact(before, refreshed);
    for (const r of refreshed.values()) expect(r.incremental, r.name).toBe(false);
    expect(refreshed.get('hangzhou')!.entered + refreshed.get('hangzhou')!.exited).toBeGreaterThan(0);
  });
});
