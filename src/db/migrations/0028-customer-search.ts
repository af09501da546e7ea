import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Indexes for the customer search: a phone's last four digits (手机尾号) and any identity's prefix
 * (a phone's first digits, a nickname's start), so neither reads the whole identities table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create index identities_phone_tail on identities (workspace_id, right(value, 4)) where type = 'phone';
    create index identities_value_prefix on identities (workspace_id, type, value text_pattern_ops);
  `,
  );
}
