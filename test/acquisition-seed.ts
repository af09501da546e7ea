// Test data for the acquisition-cost tests: a shop's orders over channels and stores, spend rows,
// and the CAC report computed here, independently of src/acquisition, from PRODUCT.md's rules.

/** One seeded order; `day` and `time` are local to the workspace (Asia/Shanghai). */
export interface SeedOrder {
  orderId: string;
  customer: string;
  day: string;
  time: string;
  /** Minor units. */
  amount: number;
  refunded: number;
  status: 'paid' | 'completed' | 'cancelled' | 'refunded';
  channel: string;
  store: string;
}

/** One spend row: month `YYYY-MM`, channel, minor units. */
export interface SeedSpend {
  month: string;
  channel: string;
  amount: number;
}

const CHANNELS = ['抖音', '小红书', '线下门店'];
const MONTHS = ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'];

const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/**
 * 60 customers whose first orders spread over six months and three channels (offline ones at store
 * HZ01 or HZ02); every ninth first order is cancelled (their first valid order is the next one, on
 * another channel), every eleventh second order refunded in full, every seventh partly; every
 * eighth customer bought once in early 2025 (so is no new buyer later); customer 5 has two orders
 * on its first day, the later one written first; ¥0 orders never count.
 */
export function seedOrders(): SeedOrder[] {
  const orders: SeedOrder[] = [];
  for (let i = 1; i <= 60; i++) {
    const customer = `K${String(i).padStart(3, '0')}`;
    const month = MONTHS[Math.floor(i / 3) % MONTHS.length]!;
    let day = `${month}-${String(1 + ((i * 5) % 27)).padStart(2, '0')}`;
    const n = 1 + (i % 4);
    if (i % 8 === 0)
      orders.push(order(customer, 'E', '2025-02-14', '11:00:00', 8800, 0, 'completed', '抖音', ''));
    for (let j = 0; j < n; j++) {
      const channel = CHANNELS[(i + j) % 3]!;
      const store = channel === '线下门店' ? (i % 2 ? 'HZ01' : 'HZ02') : '';
      const amount = (30 + ((i * 17 + j * 23) % 400)) * 100 + (i % 3) * 50;
      const status =
        j === 0 && i % 9 === 0
          ? 'cancelled'
          : j === 1 && i % 11 === 0
            ? 'refunded'
            : j % 2
              ? 'paid'
              : 'completed';
      const refunded = status === 'refunded' ? amount : j === 0 && i % 7 === 0 ? 1000 : 0;
      orders.push(
        order(
          customer,
          String(j),
          day,
          `${String(9 + j).padStart(2, '0')}:30:00`,
          amount,
          refunded,
          status,
          channel,
          store,
        ),
      );
      day = addDays(day, 20 + ((i * 3 + j * 11) % 40));
    }
    if (i % 13 === 0) orders.push(order(customer, 'Z', day, '10:00:00', 0, 0, 'completed', '小红书', ''));
  }
  // Customer 5: a later order on the first day written before the earlier one, on another channel.
  const first = orders.find((o) => o.customer === 'K005')!;
  orders.unshift(order('K005', 'L', first.day, '23:00:00', 4200, 0, 'paid', '小红书', ''));
  return orders;
}

function order(
  customer: string,
  suffix: string,
  day: string,
  time: string,
  amount: number,
  refunded: number,
  status: SeedOrder['status'],
  channel: string,
  store: string,
): SeedOrder {
  return { orderId: `${customer}-${suffix}`, customer, day, time, amount, refunded, status, channel, store };
}

/** The orders as a CSV file the product imports (amounts in 元). */
export function ordersCsv(orders: readonly SeedOrder[]): string {
  const yuan = (minor: number) => (minor / 100).toFixed(2);
  return [
    'order_id,customer_id,ordered_at,amount,refunded_amount,status,channel,store',
    ...orders.map(
      (o) =>
        `${o.orderId},${o.customer},${o.day} ${o.time},${yuan(o.amount)},${yuan(o.refunded)},${o.status},${o.channel},${o.store}`,
    ),
  ].join('\n');
}

/** Spend rows over the channels, a store code, and a channel nobody came through. */
export const SEED_SPEND: SeedSpend[] = [
  ...MONTHS.flatMap((month, k) =>
    CHANNELS.map((channel, c) => ({ month, channel, amount: 60_000 + k * 12_345 + c * 17_000 })),
  ),
  { month: '2025-11', channel: 'HZ01', amount: 20_000 },
  { month: '2026-02', channel: 'HZ02', amount: 60_000 },
  { month: '2026-02', channel: '微博', amount: 99_900 },
];

const valid = (o: SeedOrder) =>
  (o.status === 'paid' || o.status === 'completed') && o.amount - o.refunded > 0;

/** One row of the report as computed here. */
export interface ExpectedRow {
  channel: string;
  month: string;
  spend: number;
  newBuyers: number;
  members: string[];
  cac: number | null;
  revenue: number;
  paybackMonth: string | null;
}

const monthAfter = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

/**
 * The report by hand: a new buyer of (channel, month) is a customer whose first valid order (by
 * local time) fell in the month and carried the channel as its channel or store; payback is the
 * first month from the spend month whose cumulative net revenue of those customers reaches the spend.
 */
export function expectedReport(orders: readonly SeedOrder[], spend: readonly SeedSpend[], asOf: string) {
  const firstOf = new Map<string, SeedOrder>();
  for (const o of orders.filter(valid)) {
    const seen = firstOf.get(o.customer);
    if (!seen || `${o.day} ${o.time}` < `${seen.day} ${seen.time}`) firstOf.set(o.customer, o);
  }
  return spend.map((s): ExpectedRow => {
    const members = [...firstOf.values()]
      .filter((f) => f.day.slice(0, 7) === s.month && (f.channel === s.channel || f.store === s.channel))
      .map((f) => f.customer)
      .sort();
    const theirs = orders.filter((o) => valid(o) && members.includes(o.customer) && o.day <= asOf);
    let paybackMonth: string | null = null;
    let total = 0;
    for (let m = s.month; members.length && m <= asOf.slice(0, 7); m = monthAfter(m)) {
      total += theirs.filter((o) => o.day.slice(0, 7) === m).reduce((a, o) => a + o.amount - o.refunded, 0);
      if (total >= s.amount) {
        paybackMonth = m;
        break;
      }
    }
    return {
      channel: s.channel,
      month: s.month,
      spend: s.amount,
      newBuyers: members.length,
      members,
      cac: members.length ? s.amount / members.length : null,
      revenue: theirs.reduce((a, o) => a + o.amount - o.refunded, 0),
      paybackMonth,
    };
  });
}

/** Historical CLV (PRODUCT.md §3.5) on `asOf`, by hand; null when a term is undefined. */
export function expectedHistoricalClv(orders: readonly SeedOrder[], asOf: string): number | null {
  const start = addDays(asOf, -365);
  const before = addDays(asOf, -730);
  const v = orders.filter(valid);
  const thisYear = v.filter((o) => o.day > start && o.day <= asOf);
  const lastYear = v.filter((o) => o.day > before && o.day <= start);
  const buyers = new Set(thisYear.map((o) => o.customer));
  const previous = new Set(lastYear.map((o) => o.customer));
  if (!thisYear.length || !previous.size) return null;
  const retention = [...previous].filter((c) => buyers.has(c)).length / previous.size;
  const lifetime = retention >= 0.9 ? 10 : 1 / (1 - retention);
  const revenue = thisYear.reduce((a, o) => a + o.amount - o.refunded, 0);
  return Math.round((revenue / thisYear.length) * (thisYear.length / buyers.size) * lifetime);
}
