import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { LIFECYCLE_STAGES } from './lifecycle-stage.ts';
import { RFM_GROUPS } from './rfm-groups.ts';
import { type Segmentation, scoredPositions } from './rfm-service.ts';

/**
 * Compares each customer's lifecycle stage and RFM group on the segmentation's date with the last
 * recorded ones and writes a `lifecycle_changed` / `rfm_group_changed` event (properties `from`,
 * `to`, `as_of`) for every change, so automations can trigger on them and reports can show flows.
 * The first recording of a customer counts as a change from `null`. Recording the same date twice
 * writes nothing the second time. The day's customers per stage and group go to `stage_counts`.
 * Customers are compared and written in chunks, each its own transaction, so on the embedded store
 * (one connection) API requests get their turn between chunks instead of waiting for a million.
 */
/** Customers compared and written per transaction. */
const CHUNK = 50_000;

export async function recordStageChanges(
  db: Kysely<Schema>,
  workspace: { id: number; timezone: string },
  s: Segmentation,
): Promise<{ lifecycle: number; rfm_group: number }> {
  const positions = scoredPositions(s);
  const ids: number[] = [];
  const stages: string[] = [];
  const groups: (string | null)[] = [];
  for (let i = 0; i < s.facts.ids.length; i++) {
    ids.push(s.facts.ids[i]!);
    stages.push(LIFECYCLE_STAGES[s.stages[i]!]!);
    const j = positions.get(i);
    groups.push(j === undefined ? null : RFM_GROUPS[s.scores.group[j]!]!.code);
  }
  const ws = workspace.id;
  // Events are dated at the start of the as-of day in the workspace's zone.
  const at = sql`(${s.asOf}::date)::timestamp at time zone ${workspace.timezone}`;
  const total = { lifecycle: 0, rfm_group: 0 };
  for (let from = 0; from < ids.length; from += CHUNK) {
    const to = Math.min(from + CHUNK, ids.length);
    const written = await db.transaction().execute(async (trx) => {
      // Only the customers whose stage or group differs from the recorded one go further.
      await sql`drop table if exists stage_diff`.execute(trx);
      await sql`
        create temp table stage_diff as
        select n.customer_id, n.lifecycle, n.rfm_group, p.lifecycle as was_stage, p.rfm_group as was_group,
          p.customer_id is null as fresh
        from unnest(${ids.slice(from, to)}::bigint[], ${stages.slice(from, to)}::text[],
          ${groups.slice(from, to)}::text[]) as n(customer_id, lifecycle, rfm_group)
        left join customer_states p on p.workspace_id = ${ws} and p.customer_id = n.customer_id
        where p.customer_id is null or (p.lifecycle, p.rfm_group) is distinct from (n.lifecycle, n.rfm_group)`.execute(
        trx,
      );
      const counts = await sql<{ lifecycle: number; rfm_group: number }>`
        with prev as (select * from stage_diff), changes as (
          select customer_id, 'lifecycle_changed' as type, was_stage as from_value, lifecycle as to_value from prev
          where fresh or was_stage is distinct from lifecycle
          union all
          select customer_id, 'rfm_group_changed', was_group, rfm_group from prev
          where (fresh and rfm_group is not null) or (not fresh and was_group is distinct from rfm_group)
        ), written as (
          insert into events (workspace_id, customer_id, type, occurred_at, properties, event_key)
          select ${ws}, customer_id, type, ${at},
            jsonb_build_object('from', from_value, 'to', to_value, 'as_of', ${s.asOf}::text),
            md5(concat_ws(chr(31), type, customer_id::text, ${s.asOf}::text, from_value, to_value))
          from changes
          on conflict (workspace_id, event_key) do nothing
          returning type
        ) select (count(*) filter (where type = 'lifecycle_changed'))::int as lifecycle,
            (count(*) filter (where type = 'rfm_group_changed'))::int as rfm_group from written`.execute(trx);
      await sql`
        insert into customer_states (workspace_id, customer_id, lifecycle, rfm_group, as_of)
        select ${ws}, customer_id, lifecycle, rfm_group, ${s.asOf}::date from stage_diff
        on conflict (workspace_id, customer_id) do update set lifecycle = excluded.lifecycle, rfm_group = excluded.rfm_group,
          as_of = excluded.as_of, updated_at = excluded.updated_at`.execute(trx);
      return counts.rows[0] ?? { lifecycle: 0, rfm_group: 0 };
    });
    total.lifecycle += written.lifecycle;
    total.rfm_group += written.rfm_group;
  }
  // The day's customers per stage and group, for stage counts over time.
  const tally = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    tally.set(`lifecycle|${stages[i]}`, (tally.get(`lifecycle|${stages[i]}`) ?? 0) + 1);
    if (groups[i]) tally.set(`rfm_group|${groups[i]}`, (tally.get(`rfm_group|${groups[i]}`) ?? 0) + 1);
  }
  const keys = [...tally.keys()].map((k) => k.split('|') as [string, string]);
  await sql`
    insert into stage_counts (workspace_id, as_of, kind, code, customers)
    select ${ws}, ${s.asOf}::date, kind, code, n
    from unnest(${keys.map((k) => k[0])}::text[], ${keys.map((k) => k[1])}::text[], ${[...tally.values()]}::int[]) as t(kind, code, n)
    on conflict (workspace_id, as_of, kind, code) do update set customers = excluded.customers`.execute(db);
  return total;
}
