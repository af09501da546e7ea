import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Staff tasks (回访 / 跟进) with their status history, service notes on a customer, and the
 * customer's owner (the staff member a task goes to under the `owner` rule).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    alter table customers add column owner_user_id int;
    create table tasks (
      workspace_id int not null,
      id bigint generated always as identity,
      customer_id bigint not null,
      kind text not null,
      title text not null,
      assignee_id int,
      due_at timestamptz not null,
      priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
      status text not null default 'open' check (status in ('open', 'in_progress', 'done', 'cancelled')),
      outcome text,
      notes text,
      created_by text not null,
      source text not null check (source in ('manual', 'journey', 'bulk', 'survey')),
      source_ref text,
      dedupe_key text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz,
      primary key (workspace_id, id),
      foreign key (workspace_id, customer_id) references customers (workspace_id, id) on delete cascade
    );
    -- A journey step or a bulk run creates its task once, however often it is retried.
    create unique index tasks_dedupe on tasks (workspace_id, dedupe_key) where dedupe_key is not null;
    create index tasks_due on tasks (workspace_id, due_at, id);
    create index tasks_assignee_open on tasks (workspace_id, assignee_id) where status in ('open', 'in_progress');
    create index tasks_customer on tasks (workspace_id, customer_id);
    -- The report reads tasks by creation time.
    create index tasks_created on tasks (workspace_id, created_at);
    create table task_history (
      workspace_id int not null,
      id bigint generated always as identity,
      task_id bigint not null,
      at timestamptz not null default now(),
      actor text not null,
      from_status text,
      to_status text not null,
      outcome text,
      assignee_id int,
      primary key (workspace_id, id),
      foreign key (workspace_id, task_id) references tasks (workspace_id, id) on delete cascade
    );
    create index task_history_task on task_history (workspace_id, task_id, id);
    create table customer_notes (
      workspace_id int not null,
      id bigint generated always as identity,
      customer_id bigint not null,
      type text not null check (type in ('note', 'call', 'visit', 'complaint')),
      summary text not null,
      author text not null,
      created_at timestamptz not null default now(),
      primary key (workspace_id, id),
      foreign key (workspace_id, customer_id) references customers (workspace_id, id) on delete cascade
    );
    create index customer_notes_customer on customer_notes (workspace_id, customer_id, created_at desc);
  `,
  );
}
