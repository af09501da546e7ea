import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Date triggers read a day's customers from indexes instead of scanning them all: birthdays and
 * first-order anniversaries by month and day (the expression of `monthDay` in journey-triggers.ts,
 * written the same way), and the last order's date.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create index customers_birthday_month_day on customers
      (workspace_id, ((extract(month from birthday) * 100 + extract(day from birthday))::int))
      where birthday is not null and erased_at is null;
    create index customers_first_order_month_day on customers
      (workspace_id, ((extract(month from first_order_date) * 100 + extract(day from first_order_date))::int))
      where first_order_date is not null;
    create index customers_last_order_date on customers (workspace_id, last_order_date);
  `,
  );
}
