import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { cliActor } from '../src/access/caller.ts';
import type { Database } from '../src/db/database.ts';
import type { Schema } from '../src/db/schema.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { optOut } from '../src/messaging/send-message.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import type { Workspace } from '../src/workspaces/workspace-service.ts';
import { customerIds, importText, useLocalChannels as localChannels } from './fixtures.ts';

/** The actor of service calls in tests. */
export const actor = cliActor();

/** One generated customer and what the guards should make of them (written here, not read from the code). */
export interface Person {
  ext: string;
  id: number;
  city: string;
  email: string | null;
  optedOut: boolean;
  capped: boolean;
  zone: string | null;
}

/** Draw version 1 (broadcasts before migration 0042): sha256 of `broadcast:ID:CUSTOMER:WHAT`, in [0, 100). */
export function independentDraw(broadcastId: number, customerId: number, what: string): number {
  const hex = createHash('sha256').update(`broadcast:${broadcastId}:${customerId}:${what}`).digest('hex');
  return (Number.parseInt(hex.slice(0, 8), 16) / 4294967296) * 100;
}

/**
 * Draw version 2 as documented, computed here: PostgreSQL's `hashint8extended(customer, broadcast)`,
 * the holdout share from its low 32 bits and the variant share from its high 32 bits, in [0, 100).
 */
export async function independentDraws(
  db: Kysely<Schema>,
  broadcastId: number,
  customerIds: readonly number[],
): Promise<Map<number, { holdout: number; variant: number }>> {
  const r = await sql<{
    id: string;
    h: string;
  }>`select id::text, hashint8extended(id, ${broadcastId}::bigint)::text as h
    from unnest(${customerIds}::bigint[]) id`.execute(db);
  const share = (bits: bigint) => (Number(bits) / 4294967296) * 100;
  return new Map(
    r.rows.map((x) => {
      const h = BigInt(x.h);
      return [
        Number(x.id),
        { holdout: share(BigInt.asUintN(32, h)), variant: share(BigInt.asUintN(32, h >> 32n)) },
      ];
    }),
  );
}

/**
 * N customers: every fifth in 北京 (the rest 上海), every seventh without an email, opted out of
 * email marketing, over the frequency cap (two marketing mails sent yesterday), in New York or an
 * unknown zone by other residues. An email channel at the local SMTP server, templates and a coupon.
 */
export async function generateAudience(
  database: Database,
  ws: Workspace,
  n: number,
  smtpPort: number,
  yesterday: Date,
): Promise<Person[]> {
  const db = database.db;
  const tag = ws.name;
  const people: Person[] = Array.from({ length: n }, (_, i) => ({
    ext: `B${String(i).padStart(4, '0')}`,
    id: 0,
    city: i % 5 === 0 ? '北京' : '上海',
    email: i % 7 === 3 ? null : `b${i}-${tag}@example.com`,
    optedOut: i % 11 === 2,
    capped: i % 13 === 4,
    zone: i % 9 === 5 ? 'America/New_York' : i % 17 === 6 ? 'Not/AZone' : null,
  }));
  await importText(
    database,
    ws,
    'customers',
    `customer_id,name,city,email\n${people.map((p) => `${p.ext},客户${p.ext},${p.city},${p.email ?? ''}`).join('\n')}\n`,
  );
  const ids = await customerIds(db, ws.id);
  for (const p of people) p.id = ids[p.ext]!;
  await localChannels(db, ws.id, { smtpPort });
  await saveTemplates(db, ws.id, [
    {
      name: 'bc-offer',
      channel: 'email',
      purpose: 'marketing',
      subject: { 'zh-CN': '夏日礼券 {{ coupon_code }}' },
      body: { 'zh-CN': '{{ name }}，您的券码 {{ coupon_code }}' },
    },
    {
      name: 'bc-a',
      channel: 'email',
      purpose: 'marketing',
      subject: { 'zh-CN': '甲' },
      body: { 'zh-CN': '甲方案' },
    },
    {
      name: 'bc-b',
      channel: 'email',
      purpose: 'marketing',
      subject: { 'zh-CN': '乙' },
      body: { 'zh-CN': '乙方案' },
    },
    {
      name: 'bc-notice',
      channel: 'email',
      purpose: 'transactional',
      subject: { 'zh-CN': '通知' },
      body: { 'zh-CN': '门店通知' },
    },
  ]);
  await createCouponTemplate(db, ws, {
    name: '夏日券',
    kind: 'amount_off',
    amount_off: 1000,
    valid_days: 30,
  });
  for (const p of people) {
    if (p.optedOut) await optOut(db, ws.id, p.id, 'email', 'marketing', 'test');
    if (p.zone)
      await sql`update customers set attributes = attributes || jsonb_build_object('timezone', ${p.zone}::text)
        where workspace_id = ${ws.id} and id = ${p.id}`.execute(db);
    if (p.capped)
      for (const k of [1, 2])
        await db
          .insertInto('messages')
          .values({
            workspace_id: ws.id,
            customer_id: p.id,
            channel: 'email',
            template: 'bc-a',
            purpose: 'marketing',
            idempotency_key: `earlier:${p.id}:${k}`,
            status: 'sent',
            sent_at: yesterday,
          })
          .execute();
  }
  return people;
}
