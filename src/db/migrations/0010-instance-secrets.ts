import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/** Secrets of this installation (the key that signs tracking links), created on first use. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table instance_secrets (
      name text primary key,
      value text not null,
      created_at timestamptz not null default now()
    );
    alter table messages add column opened_at timestamptz, add column clicked_at timestamptz;
  `,
  );
}
