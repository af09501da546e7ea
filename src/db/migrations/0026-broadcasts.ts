import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Broadcasts (群发): one message to an audience at a time, through the journeys' outbox. Messages
 * carry the broadcast they belong to (a paused broadcast's queued messages are held, a cancelled
 * one's skipped); the held-out customers are kept for the lift; an uploaded list is kept resolved.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table broadcasts (
      workspace_id int not null references workspaces(id),
      id bigint generated always as identity,
      name text not null,
      definition jsonb not null,
      status text not null default 'draft'
        check (status in ('draft', 'pending_approval', 'scheduled', 'sending', 'paused', 'completed', 'cancelled')),
      paused_from text,
      send_at timestamptz,
      created_by text not null,
      approved_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      started_at timestamptz,
      completed_at timestamptz,
      -- Customers up to this id are materialised (messages queued or held out); null: none yet.
      cursor_id bigint,
      materialised boolean not null default false,
      primary key (workspace_id, id),
      unique (workspace_id, name)
    );
    create index broadcasts_due on broadcasts (workspace_id, status, send_at);
    create table broadcast_holdouts (
      workspace_id int not null,
      broadcast_id bigint not null,
      customer_id bigint not null,
      primary key (workspace_id, broadcast_id, customer_id),
      foreign key (workspace_id, broadcast_id) references broadcasts (workspace_id, id) on delete cascade
    );
    create table broadcast_list (
      workspace_id int not null,
      broadcast_id bigint not null,
      customer_id bigint not null,
      primary key (workspace_id, broadcast_id, customer_id),
      foreign key (workspace_id, broadcast_id) references broadcasts (workspace_id, id) on delete cascade
    );
    alter table messages add column broadcast_id bigint;
    create index messages_broadcast on messages (workspace_id, broadcast_id, status) where broadcast_id is not null;
  `,
  );
}
