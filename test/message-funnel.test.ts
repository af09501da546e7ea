import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/access/api-key-service.ts';
import type { Database } from '../src/db/database.ts';
import { sendMessage } from '../src/messaging/send-message.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { recordTouch } from '../src/messaging/tracking-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { type Api, startApi } from './api-harness.ts';
import { customerIds, importText, useLocalChannels } from './fixtures.ts';
import { startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// The workspace's message funnel for a period, over the API, against what happened to each
// customer in the scenario below (counted by hand, not by the code under test).
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  setClock(undefined);
  await smtp?.close();
  await dropTestSchemas();
});

describe.each(storesUnderTest())('message funnel ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  let api: Api;
  let key: string;
  const funnel = async (query: string) =>
    (await api.call('GET', `/api/v1/funnel?${query}`, { key })).body as Record<string, number | null>;

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: `funnel-${store.name}` });
    key = (await createApiKey(database.db, ws.id, { name: 'viewer', role: 'viewer' })).key;
    await useLocalChannels(database.db, ws.id, { smtpPort: smtp.port });
    await saveTemplates(database.db, ws.id, [
      {
        name: 'autumn',
        channel: 'email',
        purpose: 'marketing',
        subject: { 'zh-CN': '秋季上新' },
        body: { 'zh-CN': '{{ name }}，秋季上新' },
      },
    ]);
    const mail = (p: string) => `${p.toLowerCase()}-${store.name}@funnel.test`;
    await importText(
      database,
      ws,
      'customers',
      `customer_id,name,email\n${['A', 'B', 'C', 'D'].map((p) => `${p},客户${p},${mail(p)}`).join('\n')}\nE,客户E,\n`,
    );
    const ids = await customerIds(database.db, ws.id);
    setClock(new Date('2026-11-10T10:00:00+08:00'));
    const sent: Record<string, number> = {};
    for (const p of ['A', 'B', 'C', 'D', 'E']) {
      await sendMessage(database.db, ws, {
        template: 'autumn',
        customerId: ids[p]!,
        idempotencyKey: `autumn-${p}`,
      });
      const row = await database.db
        .selectFrom('messages')
        .select('id')
        .where('workspace_id', '=', ws.id)
        .where('idempotency_key', '=', `autumn-${p}`)
        .executeTakeFirstOrThrow();
      sent[p] = row.id;
    }
    // A opens, clicks, puts something in the cart and buys two days later; B only opens and had
    // bought the day before; C buys ten days later; D does nothing; E has no address (skipped).
    setClock(new Date('2026-11-10T12:00:00+08:00'));
    await recordTouch(database.db, ws.id, sent.A!, 'opened');
    await recordTouch(database.db, ws.id, sent.A!, 'clicked');
    await recordTouch(database.db, ws.id, sent.B!, 'opened');
    await importText(
      database,
      ws,
      'events',
      'customer_id,type,occurred_at\nA,add_to_cart,2026-11-11 20:00\n',
    );
    await importText(
      database,
      ws,
      'orders',
      'order_id,customer_id,ordered_at,amount,status\nA1,A,2026-11-12 09:00,100.00,paid\nB1,B,2026-11-09 09:00,80.00,paid\nC1,C,2026-11-20 09:00,66.00,paid\n',
    );
    api = await startApi(database);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('counts customers first touched in the period through to their orders within 7 days', async () => {
    expect(await funnel('from=2026-11-01&to=2026-12-01')).toEqual({
      touched: 4,
      delivered: 4,
      opened: 2,
      clicked: 1,
      added_to_cart: 1,
      converted: 1,
      revenue: 10000,
      conversion_rate: 1 / 4,
    });
  });

  it('widens the attribution window on request, and is empty for a period without touches', async () => {
    expect(await funnel('from=2026-11-01&to=2026-12-01&attribution_days=14')).toMatchObject({
      converted: 2,
      revenue: 10000 + 6600,
    });
    expect(await funnel('from=2026-10-01&to=2026-11-01')).toMatchObject({
      touched: 0,
      conversion_rate: null,
    });
    expect(await funnel('from=2026-11-11&to=2026-12-01')).toMatchObject({ touched: 0 });
    const bad = await api.call('GET', '/api/v1/funnel?from=2026-12-01&to=2026-11-01', { key });
    expect([bad.status, bad.body.message]).toEqual([
      400,
      'querystring.to: 2026-11-01 must be after from 2026-12-01',
    ]);
  });
});
