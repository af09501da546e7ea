import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/** Personal referral codes and who brought whom. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table referral_codes (
      workspace_id int not null,
      customer_id bigint not null,
      code text not null,
      created_at timestamptz not null default now(),
      primary key (workspace_id, customer_id),
      unique (workspace_id, code)
    );
    create table referrals (
      workspace_id int not null,
      referred_id bigint not null,
      referrer_id bigint not null,
      code text not null,
      linked_at timestamptz not null default now(),
      converted_order_id text,
      converted_at timestamptz,
      rewarded_at timestamptz,
      primary key (workspace_id, referred_id)
    );
    create index referrals_referrer on referrals (workspace_id, referrer_id);
  `,
  );
}
