import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../src/channels/webhook-channel.ts';
import type { Database } from '../src/db/database.ts';
import { readJourneyFile } from '../src/journeys/journey-parse.ts';
import { journeyReport } from '../src/journeys/journey-report.ts';
import { applyJourney, findJourney, setJourneyStatus } from '../src/journeys/journey-service.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { customerIds, importText, useLocalChannels } from './fixtures.ts';
import { startHttpSink, startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

const EXAMPLES = new URL('../examples/journeys/', import.meta.url).pathname;
const T0 = Date.parse('2026-03-02T09:30:00+08:00');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const H = 60;
const D = 24 * H;

let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let http: Awaited<ReturnType<typeof startHttpSink>>;
beforeAll(async () => {
  smtp = await startSmtpSink();
  http = await startHttpSink();
});
afterAll(async () => {
  setClock(undefined);
  await smtp?.close();
  await http?.close();
  await dropTestSchemas();
});

describe.each(storesUnderTest())('journeys end to end ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const ids: Record<string, number> = {};
  const mailTo = (address: string) => smtp.mail.filter((m) => m.to.includes(address));
  const load = (kind: 'customers' | 'orders' | 'events', text: string) =>
    importText(database, ws, kind, text);
  const pass = async (minutes: number) => {
    setClock(at(minutes));
    return (await runOnce(database.db, [ws.name]))[0]!;
  };
  const email = (name: string) => `${name.toLowerCase()}-${store.name}@example.com`;

  beforeAll(async () => {
    database = await store.open();
    setClock(at(-60));
    ws = await createWorkspace(database.db, { name: `journeys-${store.name}` });
    const people = ['N1', 'N2', 'C1', 'C2', 'B1', 'Q1'];
    await load(
      'customers',
      `customer_id,name,email,birthday\n${people.map((p) => `${p},客户${p},${email(p)},${p === 'B1' ? '1990-03-02' : ''}`).join('\n')}\n`,
    );
    Object.assign(ids, await customerIds(database.db, ws.id));
    await useLocalChannels(database.db, ws.id, {
      smtpPort: smtp.port,
      webhookUrl: `http://127.0.0.1:${http.port}/hook-${store.name}`,
      webhookSecret: 'hook-secret',
    });
    await saveTemplates(
      database.db,
      ws.id,
      JSON.parse(readFileSync(join(EXAMPLES, 'templates.json'), 'utf8')),
    );
    for (const name of ['新客复购券', '生日礼券'])
      await createCouponTemplate(database.db, ws, {
        name,
        kind: 'amount_off',
        amount_off: 2000,
        threshold: 15000,
        valid_days: 30,
      });
    for (const file of ['new-customer.yaml', 'birthday.yaml', 'cart-abandonment.yaml'])
      await applyJourney(database.db, ws.id, await readJourneyFile(join(EXAMPLES, file)));
  });
  afterAll(() => database?.close());

  it('walks new customers, birthdays and abandoned carts through their journeys over simulated days', async () => {
    setClock(at(-10));
    await load(
      'orders',
      'order_id,customer_id,ordered_at,amount,status\nO1,N1,2026-03-02 09:00,199.00,paid\nO2,N2,2026-03-02 09:10,299.00,paid\n',
    );
    await load(
      'events',
      'customer_id,type,occurred_at,sku\nC1,add_to_cart,2026-03-02 09:20,MILK\nC2,add_to_cart,2026-03-02 09:25,MILK\n',
    );

    const first = await pass(0);
    expect(first).toMatchObject({ entered: 5 });
    // Thank-you mails (transactional) at once, personalised.
    expect(mailTo(email('N1')).map((m) => m.subject)).toEqual(['客户N1，感谢您的首单']);
    expect(mailTo(email('N2')).length).toBe(1);
    // Nobody else has been written to yet: carts wait 2 hours, the birthday waits for 10:00.
    expect(mailTo(email('C1')).length + mailTo(email('C2')).length + mailTo(email('B1')).length).toBe(0);

    // C1 buys within the 2 hours: the reminder never goes.
    setClock(at(H));
    await load(
      'orders',
      'order_id,customer_id,ordered_at,amount,status\nO3,C1,2026-03-02 10:25,88.00,paid\n',
    );
    await pass(H);

    // C1's order was their first: the new-customer journey thanks them; the cart journey does not write.
    await pass(2 * H + 1);
    expect(mailTo(email('C1')).map((m) => m.subject)).toEqual(['客户C1，感谢您的首单']);
    expect(mailTo(email('C2')).map((m) => m.subject)).toEqual(['购物车里的宝贝还在等您']);
    // The cart journey's webhook step posted a signed JSON document.
    const hook = http.requests.find((r) => r.path === `/hook-${store.name}`)!;
    const payload = JSON.parse(hook.body);
    expect(payload).toMatchObject({
      type: 'journey.step',
      journey: '购物车提醒',
      step: 'notify_app',
      customer_id: ids.C2,
      external_id: 'C2',
      data: { kind: 'cart_abandoned' },
    });
    expect(hook.headers['x-retain-signature']).toBe(
      webhookSignature('hook-secret', String(hook.headers['x-retain-timestamp']), hook.body),
    );

    // Birthday at 10:00: a gift coupon, 100 points and a greeting naming both.
    const [gift] = await database.db
      .selectFrom('coupons')
      .select(['code', 'source', 'source_ref'])
      .where('workspace_id', '=', ws.id)
      .where('customer_id', '=', ids.B1!)
      .execute();
    expect(gift).toMatchObject({ source: 'journey', source_ref: '生日关怀/gift' });
    const greeting = mailTo(email('B1'));
    expect(greeting.map((m) => m.subject)).toEqual(['客户B1，生日快乐！']);
    expect(greeting[0]!.text).toContain(`生日礼券 ${gift!.code}，积分余额 100`);

    // N2 buys again on day 3; on day 1 both got the guide.
    await pass(D + 1);
    expect(mailTo(email('N1')).length).toBe(2);
    setClock(at(3 * D));
    await load(
      'orders',
      'order_id,customer_id,ordered_at,amount,status\nO4,N2,2026-03-05 09:30,120.00,paid\n',
    );
    await pass(3 * D);

    // Day 7: N1 (one order) gets the first-repurchase coupon; N2 (two orders) takes the other branch.
    await pass(7 * D + 1);
    const [coupon] = await database.db
      .selectFrom('coupons')
      .select('code')
      .where('workspace_id', '=', ws.id)
      .where('customer_id', '=', ids.N1!)
      .execute();
    const n1 = mailTo(email('N1'));
    expect(n1.map((m) => m.subject)).toEqual([
      '客户N1，感谢您的首单',
      '使用小贴士',
      '客户N1，送您一张复购券',
    ]);
    expect(n1[2]!.text).toContain(`券码 ${coupon!.code}`);
    expect(mailTo(email('N2')).length).toBe(2);
    expect(
      await database.db
        .selectFrom('coupons')
        .select('code')
        .where('workspace_id', '=', ws.id)
        .where('customer_id', '=', ids.N2!)
        .execute(),
    ).toEqual([]);

    // The report counts each step's outcomes and the funnel.
    const report = await journeyReport(database.db, await findJourney(database.db, ws.id, '新客转化'));
    const step = (name: string) => report.steps.find((s) => s.step === name)!;
    // C1 entered an hour after the others and is still waiting for its coupon.
    expect(report.entries).toMatchObject({ total: 3, completed: 2, waiting: 1 });
    expect(step('thank').reached).toBe(3);
    expect(step('bought_again').outcomes).toEqual({ matched: 1, not_matched: 1 });
    expect(step('coupon').outcomes).toEqual({ issued: 1 });
    expect(report.funnel).toMatchObject({ touched: 3, delivered: 3 });
    // N2's second order (day 3) falls in the 7 days after their first touch (the thank-you); C1's
    // first order came before theirs.
    expect(report.funnel.converted).toBe(1);
    expect(report.funnel.revenue).toBe(12000);

    // Running again at the same time sends nothing more, and the birthday's points were given once.
    const mails = smtp.mail.length;
    await pass(7 * D + 1);
    expect(smtp.mail.length).toBe(mails);
    const points = await database.db
      .selectFrom('points_ledger')
      .select(['points', 'kind'])
      .where('workspace_id', '=', ws.id)
      .where('customer_id', '=', ids.B1!)
      .execute();
    expect(points).toEqual([{ points: 100, kind: 'bonus' }]);
  });

  it('defers marketing in quiet hours to their end in the customer’s zone, and holds a paused journey', async () => {
    await applyJourney(database.db, ws.id, {
      name: 'quiz',
      trigger: { event: 'quiz_done' },
      reentry: 'always',
      attribution_days: 7,
      start: 'send',
      steps: {
        send: { type: 'send', templates: ['浏览推荐'], skip_if_ordered: false, next: 'done' },
        done: { type: 'exit' },
      },
    });
    const night = Date.parse('2026-03-20T22:00:00+08:00');
    setClock(new Date(night));
    await load('events', 'customer_id,type,occurred_at\nQ1,quiz_done,2026-03-20 21:59\n');
    await runOnce(database.db, [ws.name]);
    const queued = await database.db
      .selectFrom('messages')
      .select(['status', 'reason', 'due_at'])
      .where('workspace_id', '=', ws.id)
      .where('customer_id', '=', ids.Q1!)
      .executeTakeFirstOrThrow();
    expect(queued).toEqual({
      status: 'queued',
      reason: 'quiet_hours',
      due_at: new Date('2026-03-21T09:00:00+08:00'),
    });
    setClock(new Date('2026-03-21T08:59:00+08:00'));
    await runOnce(database.db, [ws.name]);
    expect(mailTo(email('Q1'))).toEqual([]);
    setClock(new Date('2026-03-21T09:00:30+08:00'));
    await runOnce(database.db, [ws.name]);
    expect(mailTo(email('Q1')).length).toBe(1);

    // Paused: a new firing is not entered, and stays unentered after resuming (no replay).
    await setJourneyStatus(database.db, ws.id, 'quiz', 'paused');
    await load('events', 'customer_id,type,occurred_at\nQ1,quiz_done,2026-03-21 10:00\n');
    expect((await runOnce(database.db, [ws.name]))[0]!.entered).toBe(0);
    await setJourneyStatus(database.db, ws.id, 'quiz', 'active');
    expect((await runOnce(database.db, [ws.name]))[0]!.entered).toBe(0);
  });
});
