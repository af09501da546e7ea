import { type Kysely, sql } from 'kysely';
import { type Actor, audited } from '../audit/index.ts';
import { customersVersion } from '../customers/customer-changes.ts';
import type { Database } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import { todayIn } from '../shared/local-date.ts';
import { assertSafeInput } from '../shared/safe-input.ts';
import type { Workspace } from '../workspaces/index.ts';
import { latestOrderDate } from './customer-facts.ts';
import { computeSegmentation } from './rfm-service.ts';
import { type Condition, ConditionSchema, explainCondition, needsSegmentation } from './segment-condition.ts';
import { applyMembership } from './segment-membership.ts';
import { compileCondition } from './segment-sql.ts';

/** Parses a condition from JSON text or a value; a clear error names the path at fault. */
export function parseCondition(input: string | unknown): Condition {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new InvalidInputError(`segment condition is not valid JSON: ${(error as Error).message}`);
    }
  }
  // Keys are walked by the explanation and the SQL: no prototype key, NUL or deep nesting gets in.
  assertSafeInput(value, 'segment condition');
  const parsed = ConditionSchema.safeParse(value);
  if (!parsed.success) throw new InvalidInputError(`segment condition ${explainCondition(value)}`);
  return parsed.data;
}

async function predicate(
  db: Kysely<Schema>,
  workspace: Workspace,
  condition: Condition,
  asOf?: string,
  store?: Database,
) {
  const day = asOf ?? todayIn(workspace.timezone);
  const segmentation = needsSegmentation(condition)
    ? await computeSegmentation(store ?? db, workspace, { asOf: day })
    : undefined;
  const last = await latestOrderDate(db, workspace.id);
  return compileCondition(condition, {
    workspaceId: workspace.id,
    timezone: workspace.timezone,
    asOf: day,
    segmentation,
    historical: !!last && last > day,
  });
}

/** How many customers match, and the first few (by id). */
export async function previewSegment(
  db: Kysely<Schema>,
  workspace: Workspace,
  condition: Condition,
  options: { asOf?: string; sample?: number } = {},
) {
  const where = await predicate(db, workspace, condition, options.asOf);
  const count = await sql<{
    n: number;
  }>`select count(*)::int as n from customers c where c.workspace_id = ${workspace.id} and ${where}`.execute(
    db,
  );
  const sample = await sql<{
    id: number;
    external_id: string | null;
    name: string | null;
    phone: string | null;
    order_count: number;
    net_total: number;
  }>`
    select c.id, c.external_id, c.name,
      (select min(value) from identities i where i.workspace_id = c.workspace_id and i.customer_id = c.id and i.type = 'phone') as phone,
      c.order_count, c.net_total from customers c
    where c.workspace_id = ${workspace.id} and ${where} order by c.id limit ${options.sample ?? 10}`.execute(
    db,
  );
  return { count: count.rows[0]?.n ?? 0, sample: sample.rows };
}

/** A saved segment by name; a clear error when there is none. */
export async function findSegment(db: Kysely<Schema>, workspaceId: number, name: string) {
  const segment = await db
    .selectFrom('segments')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!segment) throw new NotFoundError(`no segment named "${name}"`);
  return segment;
}

/** Who changes a segment (audited with the change), and how to read the facts. */
export interface SegmentWrite {
  actor: Actor;
  /** The whole store: RFM conditions are scored from the facts snapshot. */
  store?: Database;
  asOf?: string;
}

/** The membership predicate of `condition` and the customers' version it was computed from. */
async function membershipInputs(
  db: Kysely<Schema>,
  workspace: Workspace,
  condition: Condition,
  w: SegmentWrite,
) {
  // What this refresh sees, taken before anything is read (claiming less is safe, more is not):
  // a later incremental refresh relies on it.
  const version = await customersVersion(db, workspace.id);
  const where = await predicate(db, workspace, condition, w.asOf, w.store);
  return { where, version, asOf: w.asOf ?? todayIn(workspace.timezone) };
}

/**
 * Re-evaluates a segment and stores the difference: customers who now match enter (and an
 * `entered` event is written), those who no longer match exit (`exited`); audited in the same
 * transaction.
 */
export async function refreshSegment(
  db: Kysely<Schema>,
  workspace: Workspace,
  name: string,
  w: SegmentWrite,
) {
  const segment = await findSegment(db, workspace.id, name);
  const inputs = await membershipInputs(db, workspace, parseCondition(segment.definition), w);
  return audited(
    db,
    workspace.id,
    w.actor,
    (trx) => applyMembership(trx, workspace.id, segment.id, inputs.where, inputs),
    (result) => ({
      action: 'segment.refresh',
      objectType: 'segment',
      objectId: segment.name,
      detail: result,
    }),
  );
}

/**
 * Saves a segment (validated) with its membership and the audit row, in one transaction: a
 * failure leaves no segment behind.
 */
export async function createSegment(
  db: Kysely<Schema>,
  workspace: Workspace,
  name: string,
  condition: Condition,
  w: SegmentWrite,
) {
  const n = name.trim();
  if (!n) throw new InvalidInputError('a segment needs a name');
  const inputs = await membershipInputs(db, workspace, condition, w);
  return audited(
    db,
    workspace.id,
    w.actor,
    async (trx) => {
      const created = await trx
        .insertInto('segments')
        .values({ workspace_id: workspace.id, name: n, definition: JSON.stringify(condition) })
        .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!created) throw new RetainError('conflict', `segment "${n}" already exists`);
      return applyMembership(trx, workspace.id, created.id, inputs.where, inputs);
    },
    () => ({ action: 'segment.create', objectType: 'segment', objectId: n, detail: { condition } }),
  );
}

/** Every segment with its stored member count. */
export async function listSegments(db: Kysely<Schema>, workspaceId: number) {
  const rows = await sql<{ name: string; members: number; refreshed_at: Date | null; definition: unknown }>`
    select s.name, s.definition, s.refreshed_at,
      (select count(*) from segment_members m where m.workspace_id = s.workspace_id and m.segment_id = s.id)::int as members
    from segments s where s.workspace_id = ${workspaceId} order by s.name`.execute(db);
  return rows.rows;
}

/** Removes a segment, its members and its events; audited in the same transaction. */
export async function deleteSegment(db: Kysely<Schema>, workspaceId: number, name: string, actor: Actor) {
  const segment = await findSegment(db, workspaceId, name);
  await audited(
    db,
    workspaceId,
    actor,
    async (trx) => {
      await trx
        .deleteFrom('segment_members')
        .where('workspace_id', '=', workspaceId)
        .where('segment_id', '=', segment.id)
        .execute();
      await trx
        .deleteFrom('segment_events')
        .where('workspace_id', '=', workspaceId)
        .where('segment_id', '=', segment.id)
        .execute();
      await trx
        .deleteFrom('segments')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', segment.id)
        .execute();
    },
    () => ({ action: 'segment.delete', objectType: 'segment', objectId: segment.name }),
  );
}

/** The members of a segment to export, the export audited (who took which personal data). */
export async function exportSegmentMembers(
  db: Kysely<Schema>,
  workspaceId: number,
  name: string,
  actor: Actor,
  format: 'csv' | 'xlsx',
) {
  return audited(
    db,
    workspaceId,
    actor,
    (trx) => segmentMembers(trx, workspaceId, name),
    ({ members }) => ({
      action: 'segment.export',
      objectType: 'segment',
      objectId: name,
      detail: { format, rows: members.length },
    }),
  );
}

/** The segment's definition and stored members (for show and export), in id order. */
export async function segmentMembers(db: Kysely<Schema>, workspaceId: number, name: string) {
  const segment = await findSegment(db, workspaceId, name);
  const members = await sql<{
    customer_id: string;
    name: string | null;
    phone: string | null;
    email: string | null;
    city: string | null;
    tags: string;
    order_count: number;
    net_total: number;
    last_order_date: string | null;
  }>`
    select coalesce(c.external_id, c.id::text) as customer_id, c.name,
      (select min(value) from identities i where i.workspace_id = c.workspace_id and i.customer_id = c.id and i.type = 'phone') as phone,
      (select min(value) from identities i where i.workspace_id = c.workspace_id and i.customer_id = c.id and i.type = 'email') as email,
      c.city, coalesce((select string_agg(tag, ',' order by tag) from tags t where t.workspace_id = c.workspace_id and t.customer_id = c.id), '') as tags,
      c.order_count, c.net_total, c.last_order_date::text as last_order_date
    from segment_members m join customers c on c.workspace_id = m.workspace_id and c.id = m.customer_id
    where m.workspace_id = ${workspaceId} and m.segment_id = ${segment.id} order by c.id`.execute(db);
  return { segment, members: members.rows };
}

/** Takes an erased customer out of every segment (no exit events: they are gone, not moved). */
export async function forgetSegmentMember(db: Kysely<Schema>, workspaceId: number, customerId: number) {
  await db
    .deleteFrom('segment_members')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .execute();
}

/**
 * A filter over `customers c`: members of the named segment (with `ids`, only those in that id
 * range: a caller working through customers range by range then reads only the range's members).
 */
export async function segmentMemberFilter(
  db: Kysely<Schema>,
  workspaceId: number,
  name: string,
  ids?: { after: number; upTo: number },
) {
  const segment = await findSegment(db, workspaceId, name);
  const range = ids ? sql`and m.customer_id > ${ids.after} and m.customer_id <= ${ids.upTo}` : sql``;
  return sql<boolean>`exists (select 1 from segment_members m
    where m.workspace_id = c.workspace_id and m.segment_id = ${segment.id} and m.customer_id = c.id ${range})`;
}

/** A filter over `customers c` from a condition (tags, lifecycle, RFM groups, …) at today's date or `asOf`. */
export async function conditionFilter(
  db: Kysely<Schema>,
  workspace: Workspace,
  condition: Condition,
  asOf?: string,
) {
  return predicate(db, workspace, condition, asOf);
}

/** Ids of a saved segment's stored members (for issuing coupons to it). */
export async function segmentMemberIds(
  db: Kysely<Schema>,
  workspaceId: number,
  name: string,
): Promise<number[]> {
  const segment = await findSegment(db, workspaceId, name);
  const rows = await db
    .selectFrom('segment_members')
    .select('customer_id')
    .where('workspace_id', '=', workspaceId)
    .where('segment_id', '=', segment.id)
    .orderBy('customer_id')
    .execute();
  return rows.map((r) => r.customer_id);
}

/** The saved segments each of these customers is a member of now, by segment name (none: absent). */
export async function segmentsOfCustomers(
  db: Kysely<Schema>,
  workspaceId: number,
  customerIds: readonly number[],
): Promise<Map<string, Set<number>>> {
  const bySegment = new Map<string, Set<number>>();
  if (customerIds.length === 0) return bySegment;
  const rows = await db
    .selectFrom('segment_members as m')
    .innerJoin('segments as s', (j) =>
      j.onRef('s.workspace_id', '=', 'm.workspace_id').onRef('s.id', '=', 'm.segment_id'),
    )
    .select(['s.name', 'm.customer_id'])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.customer_id', '=', (eb) => eb.fn.any(eb.val([...new Set(customerIds)])))
    .execute();
  for (const r of rows) {
    const set = bySegment.get(r.name) ?? new Set<number>();
    set.add(Number(r.customer_id));
    bySegment.set(r.name, set);
  }
  return bySegment;
}
