import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * The facts snapshot (0012) kept as a base plus deltas: a refresh after an import appends the
 * touched customers' rows as one delta instead of rewriting the whole base (tens of megabytes at a
 * million customers); readers apply the deltas in order, and a delta that makes them too large
 * folds them back into the base. Deltas are current exactly while their base is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `create table customer_fact_deltas (
      workspace_id int not null,
      seq int not null,
      data bytea not null,
      primary key (workspace_id, seq)
    );
    alter table customer_fact_deltas alter column data set storage external;`,
  );
}
