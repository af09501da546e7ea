import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Item-to-item associations (bought in the same order, bought in a later order by the same
 * customer) with support, confidence and lift, the products they name with their last sale, and
 * when they were last computed: refreshed daily by the worker and on demand, so a customer's
 * recommendations read them without recomputing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table association_refreshes (
      workspace_id int not null,
      as_of date not null,
      orders int not null,
      customers int not null,
      products int not null,
      associations int not null,
      source text not null check (source in ('daily', 'manual')),
      refreshed_at timestamptz not null default now(),
      primary key (workspace_id),
      foreign key (workspace_id) references workspaces (id) on delete cascade
    );
    create table association_products (
      workspace_id int not null,
      item text not null,
      name text not null,
      orders int not null,
      customers int not null,
      last_sold date not null,
      primary key (workspace_id, item),
      foreign key (workspace_id) references workspaces (id) on delete cascade
    );
    create table product_associations (
      workspace_id int not null,
      item text not null,
      kind text not null check (kind in ('together', 'after')),
      other text not null,
      pairs int not null,
      support double precision not null,
      confidence double precision not null,
      lift double precision not null,
      primary key (workspace_id, item, kind, other),
      foreign key (workspace_id) references workspaces (id) on delete cascade
    );
    `,
  );
}
