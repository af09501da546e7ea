import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * A claimed message holds a lease instead of a bare `sending`: a worker that dies mid-round leaves
 * its messages to be recovered once the lease runs out, and each recovery is counted in `resends`.
 * Messages left `sending` by a crash before this migration have no lease and are recovered at once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    alter table messages add column lease_until timestamptz;
    alter table messages add column resends integer not null default 0;
    create index messages_leased on messages (workspace_id, lease_until) where status = 'sending';
  `,
  );
}
