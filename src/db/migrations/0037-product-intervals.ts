import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Repurchase intervals learned from the data: per product, the distribution of one customer's days
 * between two purchases of it, per unit bought the first time (or its category's, when the product
 * alone has too few), refreshed daily. And each customer's P(alive) of the refresh before the
 * latest, so a journey can start when it falls below a threshold (once per crossing).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table product_intervals (
      workspace_id int not null,
      sku text not null,
      basis text not null check (basis in ('sku', 'category')),
      category text,
      intervals int not null,
      customers int not null,
      median_days double precision not null,
      p25_days double precision not null,
      p75_days double precision not null,
      as_of date not null,
      computed_at timestamptz not null default now(),
      primary key (workspace_id, sku),
      foreign key (workspace_id, sku) references products (workspace_id, sku) on delete cascade
    );
    alter table customer_predictions add column previous_p_alive double precision;
  `,
  );
}
