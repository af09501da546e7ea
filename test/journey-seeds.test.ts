import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { readJourneyFile } from '../src/journeys/journey-parse.ts';
import { journeyReport } from '../src/journeys/journey-report.ts';
import { applyJourney, findJourney } from '../src/journeys/journey-service.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { customerIds, importText, useLocalChannels } from './fixtures.ts';
import { startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const EXAMPLES = new URL('../examples/journeys/', import.meta.url).pathname;

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(async () => {
  setClock(undefined);
  await smtp?.close();
  await dropTestSchemas();
});

/** The seed journeys not covered by journeys.test.ts: recall, win-back, reminder, browse. */
describe.each(storesUnderTest())('the example journeys over simulated weeks ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  let ids: Record<string, number> = {};
  const email = (p: string) => `${p.toLowerCase()}-seeds-${store.name}@example.com`;
  const subjects = (p: string) => smtp.mail.filter((m) => m.to.includes(email(p))).map((m) => m.subject);
  const load = (kind: 'customers' | 'orders' | 'events', text: string) =>
    importText(database, ws, kind, text);
  const pass = async (at: string) => {
    setClock(new Date(at));
    return (await runOnce(database.db, [ws.name]))[0]!;
  };
  const silent = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
  const lost = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6'];

  beforeAll(async () => {
    database = await store.open();
    setClock(new Date('2026-05-01T07:00:00+08:00'));
    ws = await createWorkspace(database.db, { name: `seeds-${store.name}` });
    const people = [...silent, ...lost, 'R1', 'V1'];
    await load(
      'customers',
      `customer_id,name,email\n${people.map((p) => `${p},客户${p},${email(p)}`).join('\n')}\n`,
    );
    // History: the silent ones last bought on 15 March, the lost ones on 30 January (91 days
    // before 1 May), R1 on 1 April (30 days before).
    const rows = [
      ...silent.map((p, i) => `H${p},${p},2026-03-15 12:0${i},120.00,paid`),
      ...lost.map((p, i) => `H${p},${p},2026-01-30 12:0${i},80.00,paid`),
      'HR1,R1,2026-04-01 15:00,99.00,completed',
    ];
    await load('orders', `order_id,customer_id,ordered_at,amount,status\n${rows.join('\n')}\n`);
    ids = await customerIds(database.db, ws.id);
    // No SMS provider is set up: the recall falls back from its SMS template to email.
    await useLocalChannels(database.db, ws.id, { smtpPort: smtp.port });
    await saveTemplates(
      database.db,
      ws.id,
      JSON.parse(readFileSync(join(EXAMPLES, 'templates.json'), 'utf8')),
    );
    for (const name of ['召回券', '挽回券'])
      await createCouponTemplate(database.db, ws, {
        name,
        kind: 'amount_off',
        amount_off: 1000,
        threshold: 9900,
        valid_days: 14,
      });
    for (const file of [
      'silent-recall.yaml',
      'lost-winback.yaml',
      'repurchase-reminder.yaml',
      'browse-abandonment.yaml',
      'store-guide-invite.yaml',
    ])
      await applyJourney(database.db, ws.id, await readJourneyFile(join(EXAMPLES, file)));
  });
  afterAll(() => database?.close());

  const entries = async (journey: string) => {
    const j = await findJourney(database.db, ws.id, journey);
    return database.db
      .selectFrom('journey_entries')
      .select(['customer_id', 'holdout', 'arm', 'state'])
      .where('workspace_id', '=', ws.id)
      .where('journey_id', '=', j.id)
      .execute();
  };

  it('recalls silent customers (with a holdout), wins back lost ones (A/B), reminds and follows up a browse', async () => {
    // 07:00 is in the quiet hours: the day's date triggers enter, and marketing waits for 09:00.
    await pass('2026-05-01T07:00:00+08:00');
    expect(smtp.mail.filter((m) => m.to[0]!.includes(`-seeds-${store.name}`))).toEqual([]);
    setClock(new Date('2026-05-01T09:30:00+08:00'));
    await load(
      'events',
      `customer_id,type,occurred_at,from,to\n${silent.map((p) => `${p},lifecycle_changed,2026-05-01 09:30,active,silent`).join('\n')}\nV1,product_viewed,2026-05-01 09:31,,\n`,
    );
    await pass('2026-05-01T09:31:00+08:00');
    await pass('2026-05-01T10:01:00+08:00');

    // 30 days after R1's last order, at 10:00 local.
    expect(subjects('R1')).toEqual(['客户R1，该补货了吧？']);

    // Win-back: every lost customer is in exactly one arm and got that arm's message, and is tagged.
    const won = await entries('流失客户挽回');
    expect(won.map((e) => e.customer_id).sort()).toEqual(lost.map((p) => ids[p]).sort());
    for (const p of lost) {
      const arm = won.find((e) => e.customer_id === ids[p])!.arm;
      expect(subjects(p)).toEqual([arm === 'coupon' ? `客户${p}，回来看看吧` : '能告诉我们哪里做得不好吗？']);
    }
    const tagged = await database.db
      .selectFrom('tags')
      .select('customer_id')
      .where('workspace_id', '=', ws.id)
      .where('tag', '=', '挽回已触达')
      .execute();
    expect(tagged.map((t) => t.customer_id).sort()).toEqual(lost.map((p) => ids[p]).sort());

    // Recall: the held-out customers get nothing; the others a coupon by email (no SMS provider).
    const recall = await entries('沉默客户召回');
    expect(recall.length).toBe(silent.length);
    const treated = silent.filter((p) => !recall.find((e) => e.customer_id === ids[p])!.holdout);
    for (const p of silent) expect(subjects(p)).toEqual(treated.includes(p) ? [`客户${p}，好久不见`] : []);
    const recallMessages = await database.db
      .selectFrom('messages')
      .select(['channel', 'status'])
      .where('workspace_id', '=', ws.id)
      .where('template', '=', '沉默召回')
      .execute();
    expect(recallMessages).toEqual(treated.map(() => ({ channel: 'email', status: 'sent' })));

    // The first treated customer buys on day 3 and leaves; the rest get the nudge after 7 days.
    const buyer = treated[0]!;
    setClock(new Date('2026-05-04T12:00:00+08:00'));
    await load(
      'orders',
      `order_id,customer_id,ordered_at,amount,status\nB1,${buyer},2026-05-04 12:00,150.00,paid\n`,
    );
    await pass('2026-05-04T12:01:00+08:00');
    await pass('2026-05-08T10:02:00+08:00');
    expect(subjects(buyer)).toEqual([`客户${buyer}，好久不见`]);
    for (const p of treated.slice(1))
      expect(subjects(p)).toEqual([`客户${p}，好久不见`, '您的召回券即将过期']);

    // Browse: no order within a day of viewing, so a nudge went out after it.
    expect(subjects('V1')).toEqual(['您看过的商品']);

    // On 4 May R1 is 33 days past the last order: the worker's own daily recording sees active →
    // silent, and the recall takes R1 in as well (nobody imported that change).
    const r1 = (await entries('沉默客户召回')).find((e) => e.customer_id === ids.R1);
    expect(r1).toBeDefined();
    const recalled = r1!.holdout ? treated : [...treated, 'R1'];

    // The recall's report: the buyer converted within 7 days of the touch, with their order's net.
    const report = await journeyReport(database.db, await findJourney(database.db, ws.id, '沉默客户召回'));
    expect(report.funnel).toMatchObject({
      touched: recalled.length,
      delivered: recalled.length,
      converted: 1,
      revenue: 15000,
    });
    expect(report.holdout).toMatchObject({
      treated: { customers: recalled.length, converted: 1 },
      held_out: { customers: silent.length + 1 - recalled.length },
    });
  });
});
