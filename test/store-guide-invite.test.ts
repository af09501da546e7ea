import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser, updateMember } from '../src/access/user-service.ts';
import { updateCustomer } from '../src/customers/customer-update.ts';
import type { Database } from '../src/db/database.ts';
import { readJourneyFile } from '../src/journeys/journey-parse.ts';
import { applyJourney } from '../src/journeys/journey-service.ts';
import { listTasks } from '../src/tasks/task-read.ts';
import { runOnce } from '../src/worker/worker.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { customerIds, importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const EXAMPLE = new URL('../examples/journeys/store-guide-invite.yaml', import.meta.url).pathname;

/** The online-to-offline example: a product viewed online becomes a store invitation for the guide. */
describe.each(storesUnderTest())('example journey store-guide-invite ($name)', (store) => {
  let database: Database;
  let api: Api;
  let ws: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let ids: Record<string, number>;
  let guide: number;
  let riverGuide: number;

  beforeAll(async () => {
    database = await store.open();
    api = await startApi(database);
    ws = await workspaceWithKeys(database, `o2o-${store.name}`);
    // G2 has no order: their store is the text attribute; G3 has none (the queue).
    await importText(database, ws.workspace, 'customers', 'customer_id,name\nG1,王芳\nG2,李雷\nG3,赵敏\n');
    // G1 bought a tin of formula in 西湖店: the catalogue learns S-900's name from the line.
    await importText(
      database,
      ws.workspace,
      'order-lines',
      'order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price,store\nO1,G1,2026-01-05 10:00,S-900,飞鹤奶粉 900g,1,258,西湖店\n',
    );
    ids = await customerIds(database.db, ws.workspace.id);
    await updateCustomer(database.db, ws.workspace.id, ids.G2!, { attributes: { store: '滨江店' } });
    const member = async (email: string, stores: string[]) => {
      const id = (
        await createUser(database.db, ws.workspace.id, cliActor(), {
          email,
          password: 'a long enough secret',
          role: 'service',
        })
      ).user.id;
      await updateMember(database.db, ws.workspace.id, cliActor(), id, { stores });
      return id;
    };
    guide = await member('daogou@shop.cn', ['西湖店']);
    riverGuide = await member('binjiang@shop.cn', ['滨江店']);
    // A member of no store is never given a store's customer.
    await member('kefu@shop.cn', []);
    await applyJourney(database.db, ws.workspace.id, await readJourneyFile(EXAMPLE));
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it("gives the guide of the customer's store a store_invite task naming the product a customer viewed through the API", async () => {
    const at = new Date().toISOString();
    const posted = await api.call('POST', '/api/v1/events', {
      key: ws.keys.operator,
      body: {
        items: [
          // G1 names the product; G2 only its sku, whose name the catalogue has; G3 names nothing.
          {
            customer_id: 'G1',
            type: 'product_viewed',
            occurred_at: at,
            properties: { product_name: '婴儿推车' },
          },
          { customer_id: 'G2', type: 'product_viewed', occurred_at: at, properties: { sku: 'S-900' } },
          { customer_id: 'G3', type: 'product_viewed', occurred_at: at, properties: { page: '/home' } },
        ],
      },
    });
    expect(posted.status).toBe(200);
    expect(posted.body.accepted).toBe(3);
    await runOnce(database.db, [ws.workspace.name]);
    await runOnce(database.db, [ws.workspace.name]);
    const { items } = await listTasks(database.db, ws.workspace.id, { limit: 50 });
    const byCustomer = Object.fromEntries(items.map((t) => [t.customer_id, t]));
    expect(items).toHaveLength(3);
    expect(byCustomer[ids.G1!]).toMatchObject({
      kind: 'store_invite',
      title: '邀请王芳到店体验婴儿推车（上次购买：飞鹤奶粉 900g）',
      assignee_id: guide,
      source: 'journey',
      created_by: 'journey:导购到店邀约',
    });
    expect(byCustomer[ids.G2!]).toMatchObject({
      title: '邀请李雷到店体验飞鹤奶粉 900g',
      assignee_id: riverGuide,
    });
    // No store and no product: the queue gets a task with the fallback wording.
    expect(byCustomer[ids.G3!]).toMatchObject({ title: '邀请赵敏到店体验看过的商品', assignee_id: null });

    // Viewing more that week does not invite the customer again.
    await api.call('POST', '/api/v1/events', {
      key: ws.keys.operator,
      body: {
        items: [
          {
            customer_id: 'G1',
            type: 'product_viewed',
            occurred_at: new Date().toISOString(),
            properties: { product_name: '安全座椅' },
          },
        ],
      },
    });
    await runOnce(database.db, [ws.workspace.name]);
    expect((await listTasks(database.db, ws.workspace.id, { limit: 50 })).items).toHaveLength(3);
  });
});
