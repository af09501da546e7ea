import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * The orders whose lines a running import has written ahead of the orders themselves (embedded
 * store: the lines go in short statements while the server answers other requests, the orders in
 * the import's final transaction). Lines without their order are never read; a listed order that
 * still does not exist after a failed or interrupted import has its lines deleted, so nothing of
 * that import is left behind, not even unseen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `create table import_lines_ahead (
      workspace_id int not null,
      order_id text not null,
      primary key (workspace_id, order_id)
    );`,
  );
}
