import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Each customer's purchase days as the customer-base models count them (a paid or completed order
 * not refunded in full, a ¥0 order included; the orders of one local day are one purchase), kept
 * beside the valid-order aggregates so a refresh of the predictions reads a million customers'
 * rows instead of grouping ten million orders: the first and last purchase date, how many purchase
 * days, their net amount and the first day's net amount (the spend model leaves the first day out).
 * A refresh rewrites every customer's prediction, so each index and check on the table is paid a
 * million times a day. `customer_predictions_clv` and `customer_predictions_alive` go: nothing reads
 * by them (the call list ranks by value at risk, segments look a customer up by key, the P(alive)
 * crossings are found among one fit's rows); so does the foreign key from a prediction to its fit,
 * checked once per row: the refresh inserts the fit and its predictions in one transaction, and
 * nothing deletes a fit. With no index left on a column a refresh changes, and half of each page
 * kept free, a row's new version goes beside the old one (a heap-only update: no index entry, and
 * the old version is reclaimed on the page without a vacuum, which the embedded store never runs).
 * Rows stored before move to such pages at the first refresh.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `alter table customers add column purchase_first_date date, add column purchase_last_date date,
      add column purchase_days int not null default 0, add column purchase_net bigint not null default 0,
      add column purchase_first_net bigint not null default 0;
    update customers c set purchase_first_date = p.first_date, purchase_last_date = p.last_date,
      purchase_days = p.days, purchase_net = p.net, purchase_first_net = p.first_net
    from (
      select workspace_id, customer_id, min(local_date) as first_date, max(local_date) as last_date,
        count(*)::int as days, sum(net) as net, (array_agg(net order by local_date))[1] as first_net
      from (
        select o.workspace_id, o.customer_id, o.local_date, sum(o.amount - o.refunded_amount) as net
        from orders o
        where o.customer_id is not null and o.status in ('paid', 'completed')
          and (o.refunded_amount < o.amount or o.amount = 0)
        group by o.workspace_id, o.customer_id, o.local_date
      ) d
      group by workspace_id, customer_id
    ) p
    where c.workspace_id = p.workspace_id and c.id = p.customer_id;
    drop index customer_predictions_clv;
    drop index customer_predictions_alive;
    alter table customer_predictions drop constraint customer_predictions_workspace_id_fit_id_fkey;
    alter table customer_predictions set (fillfactor = 50);`,
  );
}
