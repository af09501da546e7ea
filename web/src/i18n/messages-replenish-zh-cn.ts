// Chinese (Simplified) strings of the profile's "即将用完" card and the products' intervals; part of zhCN.

/** What a customer is due to run out of, and where each product's interval comes from, in zh-CN. */
export const replenishZhCN = {
  'replenish.title': '即将用完',
  'replenish.none': '没有可以推算用完日期的商品（需要商品的复购周期：手动设置，或从订单中学到）',
  'replenish.product': '商品',
  'replenish.need_date': '预计用完',
  'replenish.status': '距今',
  'replenish.basis': '推算依据',
  'replenish.days_left': '还剩 {n} 天',
  'replenish.today': '今天用完',
  'replenish.overdue': '已用完 {n} 天',
  'replenish.last_bought': '{date} 买了 {qty} 件，每件约用 {days} 天',
  'replenish.source.set': '手动设置的复购周期',
  'replenish.source.sku': '从该商品的复购中学到',
  'replenish.source.category': '从同品类商品的复购中学到',
  'replenish.hidden': '另有 {n} 件商品早已用完，未在此列出',
  'intervals.title': '复购周期（每件）',
  'intervals.hint':
    '系统每天从订单中学习：同一客户两次购买同一商品相隔的天数 ÷ 前一次买的件数，取中位数；复购少于 5 次的商品借用同品类的。手动设置的周期优先。',
  'intervals.none': '还没有复购周期：订单里出现重复购买后，系统会在第二天学到',
  'intervals.set': '手动设置',
  'intervals.learned': '从订单中学到',
  'intervals.spread': '一半客户在 {p25}～{p75} 天之间 · 共 {n} 次复购',
  'intervals.basis_sku': '按该商品',
  'intervals.basis_category': '按品类“{category}”',
  'intervals.in_use': '补货提醒采用',
  'intervals.source_set': '手动',
  'intervals.source_learned': '学到的',
} as const;
