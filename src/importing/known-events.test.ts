import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropTestSchemas, storesUnderTest } from '../../test/stores.ts';
import type { Database } from '../db/database.ts';
import { createWorkspace, type Workspace } from '../workspaces/workspace-service.ts';
import { batchRecords } from './batch-source.ts';
import { KIND_FIELDS } from './import-kinds.ts';
import { importRecords } from './import-service.ts';
import { KnownEventWriter, normalizeEventBatch } from './known-events.ts';

afterAll(dropTestSchemas);

const FIELDS = [...KIND_FIELDS.events.fields, 'properties'];
const event = (customer: string, minute: number, properties: object = {}) => ({
  customer_id: customer,
  type: 'page_view',
  occurred_at: `2024-05-01 10:${String(minute).padStart(2, '0')}:00`,
  properties,
});

describe.each(storesUnderTest())('group-committed event batches ($name)', (store) => {
  let database: Database;
  let shop: Workspace;
  let other: Workspace;

  beforeAll(async () => {
    database = await store.open();
    shop = await createWorkspace(database.db, { name: 'shop' });
    other = await createWorkspace(database.db, { name: 'other' });
    for (const ws of [shop, other]) {
      const customers = batchRecords(KIND_FIELDS.customers.fields, [
        { customer_id: 'K1' },
        { customer_id: 'K2' },
      ]);
      await importRecords(database, { kind: 'customers', workspace: ws, ...customers, label: 'test' });
    }
  });
  afterAll(() => database?.close());

  const rowsOf = async (ws: Workspace, items: object[]) =>
    (await normalizeEventBatch(ws, batchRecords(FIELDS, items as Record<string, unknown>[])))!;
  const count = async (ws: Workspace) =>
    Number(
      (
        await database.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('workspace_id', '=', ws.id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('answers each of several concurrent batches on its own: new, duplicate, and needing the full pipeline', async () => {
    const writer = new KnownEventWriter(database.db);
    const audits: number[] = [];
    const onCommit = async (_db: unknown, stats: { inserted: number }) => {
      audits.push(stats.inserted);
    };
    const first = [event('K1', 1), event('K2', 2, { sku: 'A' })];
    const [a, duplicate, unknown, elsewhere] = await Promise.all([
      writer.write(shop, await rowsOf(shop, first), onCommit),
      writer.write(shop, await rowsOf(shop, [...first, event('K1', 3)]), onCommit),
      writer.write(shop, await rowsOf(shop, [event('K1', 4), event('NEW', 5)]), onCommit),
      writer.write(other, await rowsOf(other, first), onCommit),
    ]);
    // The two overlapping batches together store each event once: 2 + 1 new, the rest unchanged.
    expect(a!.inserted + duplicate!.inserted).toBe(3);
    expect(a!.unchanged + duplicate!.unchanged).toBe(2);
    expect(unknown).toBeUndefined();
    expect(elsewhere).toMatchObject({ read: 2, inserted: 2 });
    expect(await count(shop)).toBe(3);
    expect(await count(other)).toBe(2);
    // One audit call per batch written, inside its transaction; none for the refused batch.
    expect(audits.sort()).toEqual([a!.inserted, duplicate!.inserted, elsewhere!.inserted].sort());
  });

  it('refuses the fast path for a batch with a bad row, so the pipeline can report it', async () => {
    const rows = await normalizeEventBatch(
      shop,
      batchRecords(FIELDS, [{ ...event('K1', 6), occurred_at: 'yesterday-ish' }]),
    );
    expect(rows).toBeUndefined();
  });
});
