import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * How each broadcast draws its holdout and A/B arm. Broadcasts that exist keep version 1 (a
 * sha256 of `broadcast:ID:CUSTOMER:WHAT` per draw), so their reach, holdouts and arms stay what
 * they were; new ones get version 2 (one `hashint8extended(customer, broadcast)` per customer,
 * the holdout from its low 32 bits and the arm from its high 32 bits, about four times cheaper).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `alter table broadcasts add column draw_version smallint not null default 1;
    alter table broadcasts alter column draw_version set default 2;`,
  );
}
