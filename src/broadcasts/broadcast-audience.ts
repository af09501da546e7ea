import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { normalizeEmail, normalizeExternalId, normalizePhone } from '../identity/identity-normalize.ts';
import { conditionFilter, parseCondition, segmentMemberFilter } from '../segments/index.ts';
import type { Workspace } from '../workspaces/index.ts';
import type { Audience, BroadcastDefinition } from './broadcast-contract.ts';

/** An arm of a broadcast: its name, weight and templates (one arm `main` without variants). */
export interface Arm {
  name: string;
  weight: number;
  templates: string[];
}

/** The arms a definition sends: its variants, or its templates as the one arm `main`. */
export function armsOf(def: BroadcastDefinition): Arm[] {
  return def.variants ?? [{ name: 'main', weight: 1, templates: def.templates! }];
}

/** The draw version new broadcasts get (the column's default since migration 0042). */
export const CURRENT_DRAW_VERSION = 2;

/** What fixes a broadcast's draws: its id and how it draws (`draw_version`). */
export interface DrawOf {
  id: number;
  draw_version: number;
}

/**
 * A customer's share in [0, 100) for what is drawn (`holdout`, `variant`), fixed by the broadcast
 * and the customer: the same every time, so the estimate and the send agree. Version 1 (broadcasts
 * created before migration 0042, kept so their holdouts and arms do not move) hashes
 * `broadcast:ID:CUSTOMER:WHAT` with sha256 for each draw; version 2 takes one
 * `hashint8extended(customer, broadcast)` per customer, the holdout from its low 32 bits and the
 * arm from its high 32 bits (independent bits of one 64-bit hash, a quarter of the cost).
 */
export function drawSql(b: DrawOf, what: 'holdout' | 'variant'): RawBuilder<number> {
  if (b.draw_version === 1)
    return sql<number>`(('x' || left(encode(sha256(convert_to(${`broadcast:${b.id}:`}::text || c.id::text || ${`:${what}`}::text, 'UTF8')), 'hex'), 8))::bit(32)::bigint)::float8 / 4294967296 * 100`;
  const bits =
    what === 'holdout'
      ? sql`hashint8extended(c.id, ${b.id}::bigint) & 4294967295`
      : sql`(hashint8extended(c.id, ${b.id}::bigint) >> 32) & 4294967295`;
  return sql<number>`(${bits})::float8 / 4294967296 * 100`;
}

/** Whether `customers c` is held out of the broadcast (its holdout draw under the percent). */
export function heldSql(b: DrawOf, holdoutPercent: number | undefined): RawBuilder<boolean> {
  if (!holdoutPercent) return sql<boolean>`false`;
  return sql<boolean>`${drawSql(b, 'holdout')} < ${holdoutPercent}::float8`;
}

/** The index (0-based) of the arm a customer's variant draw falls in, the arms sharing by weight. */
export function armIndexSql(b: DrawOf, arms: readonly Arm[]): RawBuilder<number> {
  if (arms.length === 1) return sql<number>`0`;
  const total = arms.reduce((s, a) => s + a.weight, 0);
  let upper = 0;
  const whens = arms.slice(0, -1).map((a, i) => {
    upper += (a.weight / total) * 100;
    return sql`when ${drawSql(b, 'variant')} < ${upper}::float8 then ${i}::int`;
  });
  // The draw is repeated per arm rather than read from a FROM-less subquery: Citus pushes no such
  // subquery down when it calls a non-immutable function (convert_to, in version 1).
  return sql<number>`(case ${sql.join(whens, sql` `)} else ${arms.length - 1}::int end)`;
}

/**
 * A filter over `customers c`: the broadcast's audience (erased customers never); with `ids`,
 * its members in that id range (a batch of the send), the stored membership read for that range only.
 */
export async function audienceFilter(
  db: Kysely<Schema>,
  workspace: Workspace,
  broadcastId: number,
  audience: Audience,
  ids?: { after: number; upTo: number },
): Promise<RawBuilder<boolean>> {
  const ws = workspace.id;
  let filter: RawBuilder<boolean>;
  if ('segment' in audience) filter = await segmentMemberFilter(db, ws, audience.segment, ids);
  else if ('condition' in audience)
    filter = await conditionFilter(db, workspace, parseCondition(audience.condition));
  else
    filter = sql<boolean>`exists (select 1 from broadcast_list l
      where l.workspace_id = c.workspace_id and l.broadcast_id = ${broadcastId} and l.customer_id = c.id
      ${ids ? sql`and l.customer_id > ${ids.after} and l.customer_id <= ${ids.upTo}` : sql``})`;
  return sql<boolean>`(c.erased_at is null and ${filter})`;
}

/**
 * Resolves an uploaded list to customer ids: each entry matches a customer id (external), a phone
 * number or an email address. Returns the ids and how many entries matched no one.
 */
export async function resolveList(
  db: Kysely<Schema>,
  workspaceId: number,
  list: readonly string[],
): Promise<{ ids: number[]; unmatched: number }> {
  const keys = list.map((v) => ({
    ext: normalizeExternalId(v) ?? null,
    phone: normalizePhone(v) ?? null,
    email: normalizeEmail(v) ?? null,
  }));
  const rows = await sql<{ i: number; id: number }>`
    select x.i, coalesce(
      (select c.id from customers c where c.workspace_id = ${workspaceId} and c.external_id = x.ext and c.erased_at is null),
      (select min(d.customer_id) from identities d where d.workspace_id = ${workspaceId}
        and ((d.type = 'phone' and d.value = x.phone) or (d.type = 'email' and d.value = x.email)))) as id
    from unnest(${keys.map((k) => k.ext)}::text[], ${keys.map((k) => k.phone)}::text[], ${keys.map((k) => k.email)}::text[])
      with ordinality as x(ext, phone, email, i)`.execute(db);
  const ids = new Set<number>();
  let unmatched = 0;
  for (const r of rows.rows) {
    if (r.id === null) unmatched++;
    else ids.add(Number(r.id));
  }
  return { ids: [...ids].sort((a, b) => a - b), unmatched };
}

/**
 * The zones PostgreSQL knows among the workspace's customers' `timezone` attributes: a customer
 * whose attribute is not one of them is in the workspace's zone (as the delivery guards treat them).
 */
export async function knownZones(db: Kysely<Schema>, workspaceId: number): Promise<string[]> {
  const r = await sql<{ zone: string }>`
    select z.name as zone from pg_timezone_names z where z.name in (
      select distinct c.attributes->>'timezone' from customers c where c.workspace_id = ${workspaceId}
        and c.attributes ? 'timezone')`.execute(db);
  return r.rows.map((x) => x.zone);
}

/** The zone of `customers c` in SQL: its known `timezone` attribute, else the workspace's. */
export function zoneSql(workspace: Workspace, zones: readonly string[]): RawBuilder<string> {
  return sql<string>`case when c.attributes->>'timezone' = any(${zones}::text[]) then c.attributes->>'timezone' else ${workspace.timezone} end`;
}
