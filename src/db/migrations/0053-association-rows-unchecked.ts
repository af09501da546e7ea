import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * A refresh of the product associations replaces a workspace's rows whole (about 180,000 at
 * 100,000 customers, each refresh), and the foreign key to the workspace was checked once per row:
 * on the embedded store that check cost more CPU than the rest of the COPY. The workspace id comes
 * from the refresh's own workspace, and nothing deletes a workspace; the products of a refresh
 * (a few thousand rows) keep theirs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    'alter table product_associations drop constraint if exists product_associations_workspace_id_fkey;',
  );
}
