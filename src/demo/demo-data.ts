/**
 * A deterministic demo merchant: a Chinese maternal & baby / household brand selling on Tmall, a WeChat
 * mini-program and its own stores. Output is CSV text in the shapes Chinese merchants export.
 */

/** How big the demo is, its random seed, and its last day (order times span the two years before it). */
export interface DemoOptions {
  customers?: number /* default 3000 */;
  seed?: number /* default 20261123 */;
  endDate?: string /* 'YYYY-MM-DD', default '2026-11-20' */;
}

/** The demo merchant's customers, order lines and behaviour events as CSV text. */
export interface DemoFiles {
  customersCsv: string;
  orderLinesCsv: string;
  eventsCsv: string;
}

type Rng = () => number;

type Product = { sku: string; name: string; cents: number; cycle: number; weight: number };
type Line = { product: Product; qty: number };
type Order = {
  at: number;
  customerId: string;
  channel: string;
  store: string;
  status: string;
  lines: Line[];
};
type Customer = { id: string; segment: 'none' | 'casual' | 'loyal'; channel: string; store: string };
type DemoEvent = { at: number; customerId: string; type: 'view_product' | 'add_to_cart'; sku: string };
type Ctx = { rng: Rng; start: number; days: number; promoDays: number[] };

const DAY = 86_400_000;
const MINUTE = 60_000;
const STORE = '门店';

const words = (text: string) => text.split(' ');
const SURNAMES = [...'张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕'];
const FEMALE_NAMES = words('丽 娜 静 敏 婷 佳怡 欣怡 雨涵 思琪 梦瑶 晓燕 慧 诗涵 可欣 子涵 雅琪');
const MALE_NAMES = words('伟 强 磊 军 洋 勇 杰 涛 明 超 浩然 子轩 俊杰 志强 晓东');
const CITIES = words('杭州 上海 北京 南京 成都 苏州 宁波 广州 深圳 武汉 重庆 西安 长沙 合肥 厦门 青岛');
const CITY_WEIGHTS = [16, 16, 10, 7, 6, 6, 5, 5, 5, 4, 3, 3, 3, 3, 2, 2];
// Every store name starts with its two-character city.
const STORES = words('杭州西湖店 杭州滨江店 上海静安店 上海浦东店 北京朝阳店 南京新街口店 成都春熙路店');
const TAGS = words('母婴 新手妈妈 二胎家庭 孕期 价格敏感 大促用户 社群活跃 高端奶粉');
const PHONE_PREFIXES = words('130 131 132 133 135 136 137 138 139 150 151 158 159 177 180 186 188 199');
// Online orders by hour from 09:00; evening is when parents shop.
const ONLINE_HOURS = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
const ONLINE_HOUR_WEIGHTS = [3, 5, 5, 6, 5, 4, 4, 4, 4, 5, 6, 8, 9, 7];
const CHANNELS = ['天猫', '微信小程序', STORE];

function product(sku: string, name: string, cents: number, cycle: number, weight: number): Product {
  return { sku, name, cents, cycle, weight };
}
const PRODUCTS: readonly Product[] = [
  product('RT-FM1-900', '婴儿配方奶粉1段 900g', 26800, 25, 8),
  product('RT-FM2-900', '较大婴儿配方奶粉2段 900g', 25800, 25, 8),
  product('RT-FM3-900', '幼儿配方奶粉3段 900g', 23800, 28, 6),
  product('RT-DP-NB84', '轻薄纸尿裤 NB码 84片', 12900, 20, 6),
  product('RT-DP-M64', '轻薄纸尿裤 M码 64片', 13900, 20, 8),
  product('RT-PP-L52', '成长拉拉裤 L码 52片', 14900, 20, 6),
  product('RT-WP-80X6', '婴儿湿巾 80抽×6包', 4990, 30, 9),
  product('RT-HW-25X10', '婴儿手口湿巾 25抽×10包', 3990, 30, 5),
  product('RT-RC-225', '高铁有机米粉 225g', 5900, 35, 4),
  product('RT-BC-500', '奶瓶果蔬清洗剂 500ml', 3900, 60, 5),
  product('RT-LD-1L', '婴儿酵素洗衣液 1L', 5900, 45, 4),
  product('RT-BL-200', '婴儿保湿润肤乳 200ml', 8900, 50, 4),
  product('RT-TS-24', '母婴抽纸 3层100抽×24包', 6990, 40, 5),
  product('RT-BT-240', '宽口径玻璃奶瓶 240ml', 12900, 0, 3),
  product('RT-TY-RATTLE', '婴儿安抚摇铃玩具套装', 8900, 0, 3),
  product('RT-TY-BOOK', '早教益智布书 6本装', 6900, 0, 2),
  product('RT-SB-4S', '四季款婴儿睡袋', 19900, 0, 2),
  product('RT-TW-SET', '儿童硅胶餐具套装', 7900, 0, 2),
];
const STAPLES = PRODUCTS.filter((p) => p.cycle > 0 && p.cycle <= 30);

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `items[i]` with probability proportional to `weights[i]`. */
function weighted<T>(rng: Rng, items: readonly T[], weights: readonly number[]): T {
  let r = rng() * weights.reduce((sum, w) => sum + w, 0);
  for (let i = 0; i < items.length - 1; i++) {
    r -= weights[i]!;
    if (r < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

/** Distinct products drawn by popularity. */
function pickProducts(rng: Rng, count: number, from: readonly Product[] = PRODUCTS): Product[] {
  const chosen: Product[] = [];
  const weights = from.map((p) => p.weight);
  while (chosen.length < Math.min(count, from.length)) {
    const p = weighted(rng, from, weights);
    if (!chosen.includes(p)) chosen.push(p);
  }
  return chosen;
}

const csvField = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);

/** One RFC 4180 record with its `\n` line end. */
const csvLine = (fields: readonly string[]) => `${fields.map(csvField).join(',')}\n`;

/** `YYYY/M/D H:mm`; times are wall-clock values held in UTC fields so the host's zone never matters. */
function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} ${d.getUTCHours()}:${pad(d.getUTCMinutes())}`;
}

function formatPhone(rng: Rng, p: string): string {
  const r = rng();
  if (r < 0.05) return `+86 ${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}`;
  if (r < 0.1) return `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`;
  return p;
}

function uniquePhone(rng: Rng, used: Set<string>): string {
  for (;;) {
    const phone = pick(rng, PHONE_PREFIXES) + pad(int(rng, 0, 99_999_999), 8);
    if (!used.has(phone)) {
      used.add(phone);
      return phone;
    }
  }
}

function birthday(rng: Rng): string {
  if (rng() < 0.15) return '';
  const year = rng() < 0.8 ? int(rng, 1985, 2000) : int(rng, 1970, 2003);
  const month = int(rng, 1, 12);
  const day = int(rng, 1, new Date(Date.UTC(year, month, 0)).getUTCDate());
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** A customer's profile row plus the behaviour that drives their orders. */
function makeCustomer(rng: Rng, index: number, phones: Set<string>): { row: string[]; customer: Customer } {
  const female = rng() < 0.82;
  const name = pick(rng, SURNAMES) + pick(rng, female ? FEMALE_NAMES : MALE_NAMES);
  const city = weighted(rng, CITIES, CITY_WEIGHTS);
  const localStores = STORES.filter((s) => s.startsWith(city));
  const channel = weighted(rng, CHANNELS, [45, 35, localStores.length > 0 ? 60 : 3]);
  const store = pick(rng, localStores.length > 0 ? localStores : STORES);
  const segment = weighted(rng, ['none', 'casual', 'loyal'] as const, [6, 74, 20]);
  const tier =
    segment === 'loyal'
      ? weighted(rng, ['金卡', '钻石卡', '银卡'], [45, 35, 20])
      : weighted(rng, ['', '银卡', '金卡'], [60, 32, 8]);
  const tags = TAGS.filter(() => rng() < 0.12)
    .slice(0, 2)
    .join(',');
  const id = `C${pad(index + 1, 6)}`;
  const phone = formatPhone(rng, uniquePhone(rng, phones));
  const row = [id, name, phone, female ? '女' : '男', birthday(rng), city, tags, tier];
  return { row, customer: { id, segment, channel, store } };
}

function orderStatus(rng: Rng, ctx: Ctx, day: number, channel: string): string {
  const r = rng();
  if (r < 0.04) return '交易关闭';
  if (r < 0.06) return '退款成功';
  if (channel === STORE) return '交易成功';
  const age = ctx.days - 1 - day;
  if (age < 3 && r < 0.3) return '待付款';
  return age < 6 ? '已发货' : '交易成功';
}

function timeOfDay(rng: Rng, channel: string): number {
  if (channel === STORE) return int(rng, 10 * 60, 21 * 60 + 30);
  if (rng() < 0.03) return int(rng, 0, 8 * 60 + 59);
  return weighted(rng, ONLINE_HOURS, ONLINE_HOUR_WEIGHTS) * 60 + int(rng, 0, 59);
}

function makeOrder(ctx: Ctx, c: Customer, day: number, lines: Line[]): Order {
  const { rng } = ctx;
  const channel = rng() < 0.85 ? c.channel : pick(rng, CHANNELS);
  const at = ctx.start + day * DAY + timeOfDay(rng, channel) * MINUTE;
  const store = channel === STORE ? c.store : '';
  return { at, customerId: c.id, channel, store, status: orderStatus(rng, ctx, day, channel), lines };
}

function randomLines(rng: Rng): Line[] {
  const count = weighted(rng, [1, 2, 3], [55, 30, 15]);
  return pickProducts(rng, count).map((p) => ({ product: p, qty: p.cycle > 0 && rng() < 0.2 ? 2 : 1 }));
}

/** Most customers buy once or twice, weeks or months apart. */
function casualOrders(ctx: Ctx, c: Customer, firstDay: number): Order[] {
  const orders: Order[] = [];
  const count = weighted(ctx.rng, [1, 2, 3], [62, 28, 10]);
  for (let day = firstDay, i = 0; i < count && day < ctx.days; i++, day += int(ctx.rng, 15, 240)) {
    orders.push(makeOrder(ctx, c, day, randomLines(ctx.rng)));
  }
  return orders;
}

/** Loyal customers restock their staples when they run out, until they churn. */
function loyalOrders(ctx: Ctx, c: Customer, firstDay: number): Order[] {
  const { rng } = ctx;
  const staples = pickProducts(rng, weighted(rng, [1, 2], [60, 40]), STAPLES);
  const due = new Map(staples.map((p) => [p, firstDay]));
  const orders: Order[] = [];
  let day = firstDay;
  while (day < ctx.days) {
    const lines = staples
      .filter((p) => due.get(p)! <= day + 5)
      .map((p) => ({ product: p, qty: rng() < 0.15 ? 2 : 1 }));
    const addOn = pickProducts(rng, 1)[0]!;
    if (rng() < 0.2 && !staples.includes(addOn)) lines.push({ product: addOn, qty: 1 });
    const order = makeOrder(ctx, c, day, lines);
    orders.push(order);
    // A closed order means the customer still needs the goods: they order again within days.
    if (order.status === '交易关闭') {
      day += int(rng, 1, 3);
      continue;
    }
    for (const { product: p, qty } of lines) {
      const skipped = rng() < 0.08 ? p.cycle : 0; // bought elsewhere once
      if (due.has(p)) due.set(p, day + p.cycle * qty + int(rng, -3, 3) + int(rng, -2, 2) + skipped);
    }
    if (rng() < 0.1) break;
    day = Math.min(...due.values());
  }
  return orders;
}

/** A first purchase day; 双11 and 618 pull in a share of new customers. */
function firstDay(ctx: Ctx): number {
  if (ctx.promoDays.length > 0 && ctx.rng() < 0.12) return pick(ctx.rng, ctx.promoDays);
  return int(ctx.rng, 0, ctx.days - 1);
}

function promoDays(start: number, days: number): number[] {
  const result: number[] = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(start + d * DAY);
    const [m, day] = [date.getUTCMonth() + 1, date.getUTCDate()];
    if ((m === 11 && day <= 11) || (m === 6 && day <= 18)) result.push(d);
  }
  return result;
}

/** Browsing before some online orders, plus sessions that never became an order. */
function customerEvents(ctx: Ctx, c: Customer, orders: readonly Order[], from: number): DemoEvent[] {
  const { rng } = ctx;
  const events: DemoEvent[] = [];
  const push = (at: number, type: DemoEvent['type'], sku: string) =>
    events.push({ at, customerId: c.id, type, sku });
  for (const o of orders) {
    if (o.channel === STORE || rng() >= 0.6) continue;
    const viewAt = o.at - int(rng, 5, 90) * MINUTE;
    const cartAt = o.at - int(rng, 1, 4) * MINUTE;
    for (const { product: p } of o.lines) {
      push(viewAt, 'view_product', p.sku);
      push(cartAt, 'add_to_cart', p.sku);
    }
  }
  for (let s = int(rng, 0, 3); s > 0; s--) {
    const at = ctx.start + int(rng, from, ctx.days - 1) * DAY + timeOfDay(rng, c.channel) * MINUTE;
    const viewed = pickProducts(rng, int(rng, 1, 3));
    for (const [i, p] of viewed.entries()) push(at + i * 2 * MINUTE, 'view_product', p.sku);
    if (rng() < 0.3) push(at + viewed.length * 2 * MINUTE, 'add_to_cart', pick(rng, viewed).sku);
  }
  return events.filter((e) => e.at >= ctx.start);
}

/** Walk-in and one-off online buyers who never gave a customer number. */
function guestOrder(ctx: Ctx): Order {
  const { rng } = ctx;
  const channel = rng() < 0.6 ? STORE : '天猫';
  const guest: Customer = { id: '', segment: 'casual', channel, store: pick(rng, STORES) };
  return makeOrder(ctx, guest, int(rng, 0, ctx.days - 1), randomLines(rng));
}

function parseEndDate(text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(text) : Number.NaN;
  // Date.parse rolls 2026-02-30 over to March, so round-trip to reject impossible dates.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new RangeError(`endDate must be a valid YYYY-MM-DD date, got '${text}'`);
  }
  return ms;
}

function orderLinesCsv(orders: readonly Order[]): string {
  const lines = ['订单号,客户编号,下单时间,商品编码,商品名称,数量,单价,订单状态,渠道,门店\n'];
  const perDay = new Map<string, number>();
  for (const o of orders) {
    const date = new Date(o.at).toISOString().slice(0, 10).replaceAll('-', '');
    const seq = (perDay.get(date) ?? 0) + 1;
    perDay.set(date, seq);
    const id = `SO${date}${pad(seq, 4)}`;
    const time = formatTime(o.at);
    for (const { product: p, qty } of o.lines) {
      const price = `${Math.floor(p.cents / 100)}.${pad(p.cents % 100)}`;
      lines.push(
        csvLine([id, o.customerId, time, p.sku, p.name, String(qty), price, o.status, o.channel, o.store]),
      );
    }
  }
  return lines.join('');
}

/** Generates the demo merchant's files; the same options always give byte-identical output. */
export function generateDemo(options: DemoOptions = {}): DemoFiles {
  const { customers: count = 3000, seed = 20261123, endDate = '2026-11-20' } = options;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`customers must be a whole number, got ${count}`);
  const end = parseEndDate(endDate);
  const endDay = new Date(end);
  const start = Date.UTC(endDay.getUTCFullYear() - 2, endDay.getUTCMonth(), endDay.getUTCDate());
  const days = (end - start) / DAY + 1; // endDate itself is the last day with data
  const ctx: Ctx = { rng: mulberry32(seed), start, days, promoDays: promoDays(start, days) };

  const customerLines = ['客户编号,姓名,手机号,性别,生日,城市,标签,会员等级\n'];
  const phones = new Set<string>();
  const orders: Order[] = [];
  const events: DemoEvent[] = [];
  for (let i = 0; i < count; i++) {
    const { row, customer: c } = makeCustomer(ctx.rng, i, phones);
    customerLines.push(csvLine(row));
    if (c.segment === 'none') continue;
    const first = firstDay(ctx);
    const own = c.segment === 'loyal' ? loyalOrders(ctx, c, first) : casualOrders(ctx, c, first);
    orders.push(...own);
    // Only some online shoppers are tracked (logged in to the mini-program or shop).
    if (c.channel !== STORE && ctx.rng() < 0.45) events.push(...customerEvents(ctx, c, own, first));
  }
  for (let g = Math.round(orders.length * 0.02); g > 0; g--) orders.push(guestOrder(ctx));

  // Array#sort is stable, so ties keep generation order and output stays byte-identical.
  orders.sort((a, b) => a.at - b.at);
  events.sort((a, b) => a.at - b.at);
  const eventLines = events.map((e) => csvLine([e.customerId, e.type, formatTime(e.at), e.sku]));
  return {
    customersCsv: customerLines.join(''),
    orderLinesCsv: orderLinesCsv(orders),
    eventsCsv: `客户编号,事件类型,时间,sku\n${eventLines.join('')}`,
  };
}
