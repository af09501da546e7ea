import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Task escalations and daily digests (each sent once, whatever retries or workers do), the stores
 * a member works in (the `store` assignment rule) and the language their staff messages are in,
 * and a task history row's event (escalated, requeued) beside its status change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    alter table memberships add column stores text[] not null default '{}';
    alter table memberships add column language text check (language in ('zh-CN', 'en'));
    alter table task_history add column event text;
    alter table task_history add column note text;
    -- One row per message owed to staff: escalation of a task at a level on a channel (to a user),
    -- or a user's digest of a local day. Its key is claimed before sending, so two workers or a
    -- retried pass send it once; a failed send is claimed again on a later pass.
    create table task_notices (
      workspace_id int not null,
      notice_key text not null,
      kind text not null check (kind in ('escalation', 'digest')),
      task_id bigint,
      level text check (level in ('assignee', 'admins')),
      user_id int,
      channel text not null,
      status text not null check (status in ('sending', 'sent', 'failed')),
      attempts int not null default 1,
      claimed_at timestamptz not null,
      sent_at timestamptz,
      error text,
      primary key (workspace_id, notice_key),
      foreign key (workspace_id, task_id) references tasks (workspace_id, id) on delete cascade
    );
    create index task_notices_task on task_notices (workspace_id, task_id, level);
    -- The store rule reads each customer's latest order with a store.
    create index orders_customer_store on orders (workspace_id, customer_id, ordered_at desc) where store is not null;
  `,
  );
}
