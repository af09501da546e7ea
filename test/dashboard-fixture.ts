import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One order of the fixture, as written to the file. */
export interface FixtureOrder {
  orderId: string;
  customer: string;
  /** Local date in the workspace zone (the file's times carry no offset, so they are local). */
  day: string;
  /** Minor units (fen). */
  amount: number;
  status: 'completed' | 'cancelled';
}

/** The shop the browser tests look at: customers and orders known here, independently of the product. */
export interface Fixture {
  customers: { id: string; name: string; phone: string; city: string; tags: string }[];
  orders: FixtureOrder[];
  customersCsv: string;
  ordersCsv: string;
}

const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
const yuan = (minor: number) => (minor / 100).toFixed(2);

/**
 * 30 customers with 0–3 orders each over the 400 days before `today`; every tenth customer's first
 * order is cancelled (it must not count). Written as CSV files the product imports.
 */
export function writeFixture(dir: string, today: string): Fixture {
  const customers = Array.from({ length: 30 }, (_, k) => {
    const i = k + 1;
    const n = String(i).padStart(3, '0');
    return {
      id: `C${n}`,
      name: `顾客${n}`,
      phone: `1380000${String(i).padStart(4, '0')}`,
      city: ['杭州', '上海', '北京'][i % 3]!,
      tags: i % 5 === 0 ? 'VIP' : '',
    };
  });
  const orders: FixtureOrder[] = [];
  customers.forEach((c, k) => {
    const i = k + 1;
    for (let j = 0; j < i % 4; j++) {
      orders.push({
        orderId: `O${c.id}-${j}`,
        customer: c.id,
        day: addDays(today, -(((i * 7 + j * 37) % 400) + 1)),
        amount: (50 + ((i * 13 + j * 29) % 500)) * 100 + (i % 2) * 50,
        status: i % 10 === 0 && j === 0 ? 'cancelled' : 'completed',
      });
    }
  });
  const customersCsv = join(dir, 'customers.csv');
  writeFileSync(
    customersCsv,
    [
      'customer_id,name,phone,city,tags',
      ...customers.map((c) => `${c.id},${c.name},${c.phone},${c.city},${c.tags}`),
    ].join('\n'),
  );
  const ordersCsv = join(dir, 'orders.csv');
  writeFileSync(
    ordersCsv,
    [
      'order_id,customer_id,ordered_at,amount,status',
      ...orders.map((o) => `${o.orderId},${o.customer},${o.day} 12:00:00,${yuan(o.amount)},${o.status}`),
    ].join('\n'),
  );
  return { customers, orders, customersCsv, ordersCsv };
}

/** An orders file with two bad rows, on lines 3 (amount) and 5 (time), for the import page. */
export function writeBadOrders(dir: string): { path: string; badLines: number[]; good: number } {
  const path = join(dir, 'orders-with-errors.csv');
  writeFileSync(
    path,
    [
      'order_id,customer_id,ordered_at,amount',
      'X1,C900,2021-03-01 12:00:00,99.00',
      'X2,C901,2021-03-02 12:00:00,abc',
      'X3,C902,2021-03-03 12:00:00,10.50',
      'X4,C903,,20.00',
    ].join('\n'),
  );
  return { path, badLines: [3, 5], good: 2 };
}

/** Valid orders: paid or completed with a positive net amount (PRODUCT.md §3.1). */
export const validOrders = (f: Fixture) => f.orders.filter((o) => o.status === 'completed' && o.amount > 0);
