import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type DeliveryCounts, deliverDue, NO_DELIVERIES } from '../src/messaging/message-deliver.ts';
import { enqueueMessages, sendMessage } from '../src/messaging/send-message.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { customerIds, importText, useLocalChannels } from './fixtures.ts';
import { startHttpSink, startSmtpSink } from './local-servers.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// Two delivery workers take marketing messages from one queue at the same moment; several of them
// are for the same customer, on email and on a webhook, while the frequency cap (2 in 7 days,
// counted across channels) is nearly full. On PostgreSQL the two work on connections of their own,
// so their cap transactions really overlap; the embedded store (PGlite) has one connection and
// runs one statement at a time, so there the two rounds interleave between statements (claims,
// cap places, sends) in one process — the only way two workers can share an embedded store.

const NOW = new Date('2026-03-02T10:00:00+08:00'); // outside the default quiet hours
const EARLIER = new Date(NOW.getTime() - 2 * 86_400_000); // inside the 7-day window
const CUSTOMERS = 48;
/** Messages a worker claims at a time (4 senders × 4). */
const BATCH = 16;
const PER_CUSTOMER = 4;
const CAP = 2;

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

/** Delivery rounds one after another until one finds nothing due, as a worker's pass does. */
async function worker(database: Database, ws: Workspace): Promise<DeliveryCounts> {
  const total = { ...NO_DELIVERIES };
  for (;;) {
    const d = await deliverDue(database.db, ws, NOW, { concurrency: 4, batch: BATCH });
    if (!d.claimed) return total;
    for (const k of Object.keys(d) as (keyof DeliveryCounts)[]) total[k] += d[k];
  }
}

describe.each(storesUnderTest())('the frequency cap with two workers delivering at once ($name)', (store) => {
  let database: Database;
  afterAll(() => database?.close());

  it('never sends a customer more than the cap, and fills every free place', async () => {
    database = await store.open();
    setClock(EARLIER);
    const ws = await createWorkspace(database.db, { name: `cap-race-${store.name}` });
    const address = (i: number) => `r${i}-${store.name}@cap.example`;
    const rows = Array.from({ length: CUSTOMERS }, (_, i) => `R${i},${address(i)}`);
    await importText(database, ws, 'customers', `customer_id,email\n${rows.join('\n')}\n`);
    const ids = await customerIds(database.db, ws.id);
    const hookPath = `/cap-${store.name}`;
    await useLocalChannels(database.db, ws.id, {
      smtpPort: smtp.port,
      webhookUrl: `http://127.0.0.1:${http.port}${hookPath}`,
      webhookSecret: 's',
    });
    await saveTemplates(database.db, ws.id, [
      {
        name: 'mail',
        channel: 'email',
        purpose: 'marketing',
        subject: { 'zh-CN': '上新' },
        body: { 'zh-CN': '{{ name }} 上新' },
      },
      { name: 'hook', channel: 'webhook', purpose: 'marketing', body: { 'zh-CN': '{{ name }} 上新推送' } },
    ]);
    // Every third customer already had one marketing mail two days ago: one place left of two.
    const touched = new Set(Array.from({ length: CUSTOMERS }, (_, i) => i).filter((i) => i % 3 === 0));
    for (const i of touched) {
      const r = await sendMessage(database.db, ws, {
        template: 'mail',
        customerId: ids[`R${i}`]!,
        idempotencyKey: `earlier-${i}`,
      });
      expect(r.status).toBe('sent');
    }
    smtp.mail.length = 0;

    // Four messages per customer, queued so that the batches the two workers claim first hold the
    // same sixteen customers (their first and second messages), and so on; mail and webhook alternate.
    setClock(NOW);
    const queued = [];
    for (let group = 0; group < CUSTOMERS; group += BATCH)
      for (let k = 0; k < PER_CUSTOMER; k++)
        for (let i = group; i < group + BATCH; i++)
          queued.push({
            customerId: ids[`R${i}`]!,
            templates: [k % 2 ? 'hook' : 'mail'],
            idempotencyKey: `race-${i}-${k}`,
            dueAt: NOW,
          });
    await enqueueMessages(database.db, ws.id, queued);

    const [a, b] = await Promise.all([worker(database, ws), worker(database, ws)]);
    // Both workers took part.
    expect(a.sent).toBeGreaterThan(0);
    expect(b.sent).toBeGreaterThan(0);
    expect(a.claimed + b.claimed).toBe(CUSTOMERS * PER_CUSTOMER);

    // What each customer received, counted at the receivers.
    const received = (i: number) =>
      smtp.mail.filter((m) => m.to.includes(address(i))).length +
      http.requests.filter((r) => r.path === hookPath && JSON.parse(r.body).customer_id === ids[`R${i}`])
        .length;
    const free = (i: number) => CAP - (touched.has(i) ? 1 : 0);
    const overCap = Array.from({ length: CUSTOMERS }, (_, i) => i).filter((i) => received(i) > free(i));
    expect(overCap).toEqual([]);
    // Exact, not merely safe: every free place was used (four queued for at most two places).
    expect(Array.from({ length: CUSTOMERS }, (_, i) => received(i))).toEqual(
      Array.from({ length: CUSTOMERS }, (_, i) => free(i)),
    );
    const expectedSent = Array.from({ length: CUSTOMERS }, (_, i) => free(i)).reduce((x, y) => x + y, 0);
    expect(a.sent + b.sent).toBe(expectedSent);
    expect(a.skipped + b.skipped).toBe(CUSTOMERS * PER_CUSTOMER - expectedSent);
    const outcomes = await database.db
      .selectFrom('messages')
      .select(['status', 'reason'])
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', ws.id)
      .where('idempotency_key', 'like', 'race-%')
      .groupBy(['status', 'reason'])
      .orderBy('status')
      .execute();
    expect(outcomes.map((o) => [o.status, o.reason, Number(o.n)])).toEqual([
      ['sent', null, expectedSent],
      ['skipped', 'frequency_cap', CUSTOMERS * PER_CUSTOMER - expectedSent],
    ]);
  });
});
