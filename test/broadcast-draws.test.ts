import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import type { BroadcastDefinition } from '../src/broadcasts/broadcast-contract.ts';
import { estimateReach } from '../src/broadcasts/broadcast-reach.ts';
import { runBroadcasts } from '../src/broadcasts/broadcast-send.ts';
import {
  createBroadcast,
  getBroadcast,
  parseBroadcast,
  scheduleBroadcast,
} from '../src/broadcasts/broadcast-service.ts';
import type { Database } from '../src/db/database.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { createSegment } from '../src/segments/segment-service.ts';
import { clockNow, setClock } from '../src/shared/clock.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { actor, independentDraw, independentDraws } from './broadcast-fixture.ts';
import { useLocalChannels } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const N = 4000;

interface Customer {
  i: number;
  id: number;
  member: boolean;
  email: boolean;
}

afterAll(async () => {
  setClock(undefined);
  await dropTestSchemas();
});

describe.each(storesUnderTest())('broadcast draws ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  let customers: Customer[];

  // N customers: every tenth in 北京 (the segment is 上海), every third without an email, every
  // 97th from the fifth erased after the segment was refreshed (still a stored member).
  beforeAll(async () => {
    database = await store.open();
    const db = database.db;
    // 11:00 in Shanghai: outside the default quiet hours, so no one is deferred.
    setClock(new Date('2026-06-01T11:00:00+08:00'));
    ws = await createWorkspace(db, { name: `draws-${store.name}` });
    const rows = await sql<{ i: number; id: string }>`
      insert into customers (workspace_id, external_id, name, city)
      select ${ws.id}, 'D' || i, '顾客' || i, case when i % 10 = 0 then '北京' else '上海' end
      from generate_series(1, ${N}) i returning substr(external_id, 2)::int as i, id`.execute(db);
    customers = rows.rows
      .map((r) => ({
        i: r.i,
        id: Number(r.id),
        member: r.i % 10 !== 0 && r.i % 97 !== 5,
        email: r.i % 3 !== 0,
      }))
      .sort((a, b) => a.i - b.i);
    await sql`insert into identities (workspace_id, type, value, customer_id)
      select ${ws.id}, 'email', 'd' || x.i || '@example.com', x.id
      from unnest(${customers.filter((c) => c.email).map((c) => c.i)}::int[],
        ${customers.filter((c) => c.email).map((c) => c.id)}::bigint[]) x(i, id)`.execute(db);
    await createSegment(
      db,
      ws,
      '上海客户',
      { attribute: 'city', op: 'eq', value: '上海' },
      { actor: cliActor(), store: database },
    );
    await sql`update customers set erased_at = now() where workspace_id = ${ws.id}
      and substr(external_id, 2)::int % 97 = 5`.execute(db);
    await useLocalChannels(db, ws.id, { smtpPort: 9 });
    await saveTemplates(db, ws.id, [
      {
        name: 'dr-offer',
        channel: 'email',
        purpose: 'marketing',
        subject: { 'zh-CN': '会员日' },
        body: { 'zh-CN': '{{ name }}，会员日' },
      },
    ]);
  });
  afterAll(async () => {
    await database?.close();
  });

  const create = (def: Record<string, unknown>) =>
    createBroadcast(database.db, ws, actor, parseBroadcast(def) as BroadcastDefinition);
  /** The broadcast's held-out customers and each messaged customer's arm, as stored by the send. */
  const sent = async (id: number) => {
    const h = await sql<{ id: string }>`select customer_id as id from broadcast_holdouts
      where workspace_id = ${ws.id} and broadcast_id = ${id} order by 1`.execute(database.db);
    const m = await sql<{ id: string; step: string }>`select customer_id as id, step from messages
      where workspace_id = ${ws.id} and broadcast_id = ${id}`.execute(database.db);
    return {
      held: h.rows.map((r) => Number(r.id)),
      arm: new Map(m.rows.map((r) => [Number(r.id), r.step])),
    };
  };

  it('holds out about 10%, splits A/B by weight, counts reach exactly, and draws the same again', async () => {
    const b = await create({
      name: '十分之一',
      audience: { segment: '上海客户' },
      variants: [
        { name: 'A', weight: 1, templates: ['dr-offer'] },
        { name: 'B', weight: 1, templates: ['dr-offer'] },
      ],
      holdout_percent: 10,
    });
    expect(b.draw_version).toBe(2);
    const members = customers.filter((c) => c.member);
    const draws = await independentDraws(
      database.db,
      b.id,
      members.map((c) => c.id),
    );
    const held = members.filter((c) => draws.get(c.id)!.holdout < 10);
    const treated = members.filter((c) => draws.get(c.id)!.holdout >= 10);
    const armA = treated.filter((c) => draws.get(c.id)!.variant < 50);
    const armB = treated.filter((c) => draws.get(c.id)!.variant >= 50);
    const withEmail = (x: Customer[]) => x.filter((c) => c.email).length;
    // Fair: within four standard deviations of the binomial share (p ≈ 6e-5 of failing by chance).
    const n = members.length;
    expect(Math.abs(held.length - 0.1 * n)).toBeLessThan(4 * Math.sqrt(n * 0.1 * 0.9));
    expect(Math.abs(armA.length - treated.length / 2)).toBeLessThan(4 * Math.sqrt(treated.length / 4));

    const reach = await estimateReach(database.db, ws, b);
    expect(reach).toMatchObject({
      members: n,
      held_out: held.length,
      targeted: treated.length,
      opted_out: 0,
      frequency_capped: 0,
      no_address: treated.length - withEmail(treated),
      deferred: 0,
      reachable: withEmail(treated),
      arms: [
        { name: 'A', targeted: armA.length, reachable: withEmail(armA) },
        { name: 'B', targeted: armB.length, reachable: withEmail(armB) },
      ],
    });
    expect(reach.reasons).toEqual({ no_email: treated.length - withEmail(treated) });
    expect(await estimateReach(database.db, ws, b)).toEqual(reach);

    // The send draws the same holdout and arms as the estimate.
    await scheduleBroadcast(database.db, ws, actor, b.id);
    const counts = await runBroadcasts(database.db, ws, clockNow());
    expect(counts).toMatchObject({ held_out: held.length, queued: treated.length });
    const got = await sent(b.id);
    expect(got.held).toEqual(held.map((c) => c.id).sort((x, y) => x - y));
    for (const c of armA) expect(got.arm.get(c.id)).toBe('A');
    for (const c of armB) expect(got.arm.get(c.id)).toBe('B');
  });

  it('keeps the sha256 draws of a broadcast created before draw version 2', async () => {
    const created = await create({
      name: '旧抽签',
      audience: { segment: '上海客户' },
      variants: [
        { name: 'A', weight: 3, templates: ['dr-offer'] },
        { name: 'B', weight: 1, templates: ['dr-offer'] },
      ],
      holdout_percent: 20,
    });
    // As migration 0042 leaves a broadcast that existed before it.
    await sql`update broadcasts set draw_version = 1 where workspace_id = ${ws.id} and id = ${created.id}`.execute(
      database.db,
    );
    const b = await getBroadcast(database.db, ws.id, created.id);
    const members = customers.filter((c) => c.member);
    const held = members.filter((c) => independentDraw(b.id, c.id, 'holdout') < 20);
    const treated = members.filter((c) => independentDraw(b.id, c.id, 'holdout') >= 20);
    const armA = treated.filter((c) => independentDraw(b.id, c.id, 'variant') < 75);
    const reach = await estimateReach(database.db, ws, b);
    expect(reach).toMatchObject({ members: members.length, held_out: held.length, targeted: treated.length });
    expect(reach.arms.map((a) => a.targeted)).toEqual([armA.length, treated.length - armA.length]);

    await scheduleBroadcast(database.db, ws, actor, b.id);
    await runBroadcasts(database.db, ws, clockNow());
    const got = await sent(b.id);
    expect(got.held).toEqual(held.map((c) => c.id).sort((x, y) => x - y));
    for (const c of treated)
      expect(got.arm.get(c.id)).toBe(independentDraw(b.id, c.id, 'variant') < 75 ? 'A' : 'B');
  });
});
