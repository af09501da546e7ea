import { type Kysely, sql } from 'kysely';
import { kyselyOf, type Session, type StoreOrKysely } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { LIFECYCLE_STAGES } from './lifecycle-stage.ts';
import { changedPositions, readRecordedStates } from './recorded-states.ts';
import { RFM_GROUPS } from './rfm-groups.ts';
import type { Segmentation } from './rfm-service.ts';
import { groupNamesSql, groupOf, stageNamesSql, stageOf, stateCode } from './stage-codes.ts';
import { bumpStatesVersion, mergeStates, readStates, saveStates } from './state-snapshot.ts';

/** Changed customers written per transaction. */
const CHUNK = 100_000;

type Counts = { lifecycle: number; rfm_group: number };

/**
 * Compares each customer's lifecycle stage and RFM group on the segmentation's date with the last
 * recorded ones and writes a `lifecycle_changed` / `rfm_group_changed` event (properties `from`,
 * `to`, `as_of`) for every change, so automations can trigger on them and reports can show flows.
 * The first recording of a customer counts as a change from `null`. Recording the same date twice
 * writes nothing the second time. The day's customers per stage and group go to `stage_counts`.
 *
 * The recorded states are read in bulk (given the whole store: the snapshot of them, else one
 * binary COPY) and compared in typed arrays, so a day on which nobody changed writes nothing but
 * the counts (and the snapshot, when there was none); only the changed
 * customers go to the database, in chunks each its own transaction (on the embedded store, one
 * connection, API requests get their turn between chunks), where they are compared once more with
 * the recorded states before anything is written.
 */
export async function recordStageChanges(
  store: StoreOrKysely,
  workspace: { id: number; timezone: string },
  s: Segmentation,
): Promise<Counts> {
  const codes = dayCodes(s);
  const whole = 'withSession' in store;
  const read = whole
    ? await readStates(store, workspace.id)
    : { states: await readRecordedStates(store, workspace.id), version: 0, fromSnapshot: false };
  const changed = changedPositions(s.facts.ids, codes, read.states);
  const total = { lifecycle: 0, rfm_group: 0 };
  let writes = 0;
  for (let from = 0; from < changed.length; from += CHUNK) {
    const part = changed.subarray(from, Math.min(from + CHUNK, changed.length));
    const ids = Array.from(part, (i) => s.facts.ids[i]!);
    const partCodes = Array.from(part, (i) => codes[i]!);
    const written = await writeChanges(store, workspace, s.asOf, ids, partCodes);
    writes++;
    total.lifecycle += written.lifecycle;
    total.rfm_group += written.rfm_group;
  }
  if (whole && (writes > 0 || !read.fromSnapshot)) {
    // The states as this recording left them, for the next one; each chunk bumped the version once.
    const after = mergeStates(
      read.states,
      Float64Array.from(changed, (i) => s.facts.ids[i]!),
      Uint16Array.from(changed, (i) => codes[i]!),
    );
    await saveStates(store, workspace.id, read.version + writes, after);
  }
  await writeStageCounts(kyselyOf(store), workspace.id, s.asOf, codes);
  return total;
}

/** Every customer's state code on the segmentation's date, parallel to its facts. */
export function dayCodes(s: Segmentation): Uint16Array {
  const n = s.facts.ids.length;
  const group = new Int16Array(n).fill(-1);
  for (let j = 0; j < s.scored.length; j++) group[s.scored[j]!] = s.scores.group[j]!;
  const codes = new Uint16Array(n);
  for (let i = 0; i < n; i++) codes[i] = stateCode(s.stages[i]!, group[i]!);
  return codes;
}

/**
 * Writes the changes of the customers `ids` (now in states `codes`) in one transaction: COPY into
 * a temporary table given the whole store, an `unnest` of arrays given only a Kysely.
 */
async function writeChanges(
  store: StoreOrKysely,
  workspace: { id: number; timezone: string },
  asOf: string,
  ids: number[],
  codes: number[],
): Promise<Counts> {
  const create = sql`create temp table stage_candidates (customer_id bigint not null, code int2 not null) on commit drop`;
  if (!('withSession' in store)) {
    return store.transaction().execute(async (trx) => {
      await create.execute(trx);
      await sql`insert into stage_candidates select * from unnest(${ids}::bigint[], ${codes}::int2[])`.execute(
        trx,
      );
      return applyCandidates(trx, workspace, asOf);
    });
  }
  return store.withSession(async (session: Session) => {
    await sql`begin`.execute(session.db);
    try {
      await create.execute(session.db);
      let text = '';
      for (let k = 0; k < ids.length; k++) text += `${ids[k]}\t${codes[k]}\n`;
      await session.copyIn('stage_candidates', ['customer_id', 'code'], text);
      const counts = await applyCandidates(session.db, workspace, asOf);
      await sql`commit`.execute(session.db);
      return counts;
    } catch (error) {
      await sql`rollback`.execute(session.db).catch(() => {});
      throw error;
    }
  });
}

/**
 * From `stage_candidates` (customer, state code), in the caller's transaction: the events of those
 * whose state differs from the recorded one, and their recorded state brought up to date.
 */
async function applyCandidates(
  db: Kysely<Schema>,
  workspace: { id: number; timezone: string },
  asOf: string,
): Promise<Counts> {
  const ws = workspace.id;
  // Events are dated at the start of the as-of day in the workspace's zone.
  const at = sql`(${asOf}::date)::timestamp at time zone ${workspace.timezone}`;
  // Its size known, the planner looks the few candidates of a usual day up by key instead of
  // reading every recorded state.
  await sql`analyze stage_candidates`.execute(db);
  await bumpStatesVersion(db, ws);
  await sql`
    create temp table stage_diff on commit drop as
    select n.customer_id, n.lifecycle, n.rfm_group, p.lifecycle as was_stage, p.rfm_group as was_group,
      p.customer_id is null as fresh
    from (
      select c.customer_id, (${stageNamesSql})[c.code / 64 + 1] as lifecycle, (${groupNamesSql})[c.code % 64] as rfm_group
      from stage_candidates c
    ) n
    left join customer_states p on p.workspace_id = ${ws} and p.customer_id = n.customer_id
    where p.customer_id is null or (p.lifecycle, p.rfm_group) is distinct from (n.lifecycle, n.rfm_group)`.execute(
    db,
  );
  const counts = await sql<Counts>`
    with changes as (
      select customer_id, 'lifecycle_changed' as type, was_stage as from_value, lifecycle as to_value from stage_diff
      where fresh or was_stage is distinct from lifecycle
      union all
      select customer_id, 'rfm_group_changed', was_group, rfm_group from stage_diff
      where (fresh and rfm_group is not null) or (not fresh and was_group is distinct from rfm_group)
    ), written as (
      insert into events (workspace_id, customer_id, type, occurred_at, properties, event_key)
      select ${ws}, customer_id, type, ${at},
        jsonb_build_object('from', from_value, 'to', to_value, 'as_of', ${asOf}::text),
        md5(concat_ws(chr(31), type, customer_id::text, ${asOf}::text, from_value, to_value))
      from changes
      on conflict (workspace_id, event_key) do nothing
      returning type
    ) select (count(*) filter (where type = 'lifecycle_changed'))::int as lifecycle,
        (count(*) filter (where type = 'rfm_group_changed'))::int as rfm_group from written`.execute(db);
  await sql`
    insert into customer_states (workspace_id, customer_id, lifecycle, rfm_group, as_of)
    select ${ws}, customer_id, lifecycle, rfm_group, ${asOf}::date from stage_diff
    on conflict (workspace_id, customer_id) do update set lifecycle = excluded.lifecycle, rfm_group = excluded.rfm_group,
      as_of = excluded.as_of, updated_at = excluded.updated_at`.execute(db);
  return counts.rows[0] ?? { lifecycle: 0, rfm_group: 0 };
}

/** The day's customers per lifecycle stage and RFM group, for stage counts over time. */
async function writeStageCounts(db: Kysely<Schema>, workspaceId: number, asOf: string, codes: Uint16Array) {
  const stages = new Array<number>(LIFECYCLE_STAGES.length).fill(0);
  const groups = new Array<number>(RFM_GROUPS.length).fill(0);
  for (let i = 0; i < codes.length; i++) {
    stages[stageOf(codes[i]!)]!++;
    const g = groupOf(codes[i]!);
    if (g >= 0) groups[g]!++;
  }
  const rows = [
    ...LIFECYCLE_STAGES.map((code, k) => ['lifecycle', code, stages[k]!] as const),
    ...RFM_GROUPS.map((g, k) => ['rfm_group', g.code, groups[k]!] as const),
  ].filter((r) => r[2] > 0);
  // Replaced as a whole: a stage nobody is in any more on a date recorded again has no row.
  await db.transaction().execute(async (trx) => {
    await sql`delete from stage_counts where workspace_id = ${workspaceId} and as_of = ${asOf}::date`.execute(
      trx,
    );
    await sql`
      insert into stage_counts (workspace_id, as_of, kind, code, customers)
      select ${workspaceId}, ${asOf}::date, kind, code, n
      from unnest(${rows.map((r) => r[0])}::text[], ${rows.map((r) => r[1])}::text[], ${rows.map((r) => r[2])}::int[]) as t(kind, code, n)
      on conflict (workspace_id, as_of, kind, code) do update set customers = excluded.customers`.execute(
      trx,
    );
  });
}
