import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * The recorded lifecycle stages and RFM groups (customer_states) of a workspace as one binary
 * value, so the daily recording compares a million customers without reading a million rows.
 * `version` counts the transactions that wrote customer_states (each bumps it and clears `data`
 * in the same transaction); `data`, when present, is the states as of that version.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table customer_state_snapshots (
      workspace_id int primary key references workspaces(id) on delete cascade,
      version bigint not null,
      data bytea
    );
    -- Already compact binary: compressing it would cost more than it saves.
    alter table customer_state_snapshots alter column data set storage external;
  `,
  );
}
