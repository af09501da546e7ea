import { type Kysely, sql } from 'kysely';
import { hasCitus } from '../citus.ts';
import { execScript } from '../exec-script.ts';

/**
 * Every write of customer_states moves its workspace's state-snapshot version on and drops the kept
 * value (migration 0045), by a row trigger in the writer's own transaction, so no writer (a
 * customer's deletion cascading to their recorded state, an erasure, a hand-made fix) can leave a
 * stale value trusted. Once per transaction and workspace, as migration 0034 does for customers; the
 * recording's own explicit bump goes through the same function, so a transaction moves the version
 * on exactly once however many rows it writes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The function names its table with the schema: on a Citus worker it runs under the worker's
  // search path, not the application's (see 0034).
  const found = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = found.rows[0]!.schema;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`unexpected schema name ${schema}`);
  const snapshots = `"${schema}".customer_state_snapshots`;
  // Function bodies run as single statements (execScript splits at line-ending semicolons).
  await sql
    .raw(`create function bump_customer_states_version(ws int) returns void language plpgsql as $$
    declare
      done text := coalesce(current_setting('retain.states_bumped', true), '');
    begin
      if strpos(done, ',' || ws || ',') = 0 then
        insert into ${snapshots} as s (workspace_id, version) values (ws, 1)
          on conflict (workspace_id) do update set version = s.version + 1, data = null;
        perform set_config('retain.states_bumped', case when done = '' then ',' else done end || ws || ',', true);
      end if;
    end $$`)
    .execute(db);
  await sql
    .raw(`create function customer_states_changed() returns trigger language plpgsql as $$
    begin
      perform "${schema}".bump_customer_states_version(case when tg_op = 'DELETE' then old.workspace_id else new.workspace_id end);
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$`)
    .execute(db);
  // Truncation fires no row trigger: every kept value becomes stale.
  await sql
    .raw(`create function customer_states_truncated() returns trigger language plpgsql as $$
    begin update ${snapshots} set version = version + 1, data = null; return null; end $$`)
    .execute(db);
  // On a Citus cluster distributed before this migration, a trigger on a distributed table is
  // refused unless allowed (it runs on the shards, where the snapshot row lives too: see 0034).
  if (await hasCitus(db)) await sql`set local citus.enable_unsafe_triggers to on`.execute(db);
  await execScript(
    db,
    `
    create trigger customer_states_changed before insert or update or delete on customer_states
      for each row execute function customer_states_changed();
    create trigger customer_states_truncated after truncate on customer_states
      for each statement execute function customer_states_truncated();
  `,
  );
}
