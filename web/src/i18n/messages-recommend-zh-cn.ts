/** The profile's 猜你喜欢 card, in Chinese (Simplified). */
export const recommendZhCN = {
  'recommend.title': '猜你喜欢',
  'recommend.because': '因为买过「{name}」',
  'recommend.never': '还没有计算过商品关联：系统每天自动计算一次。',
  'recommend.none': '暂无推荐：该客户买过的商品还没有足够多人一起买或接着买的商品。',
  'recommend.as_of': '依据 {date} 及以前的订单计算，已去掉该客户近期买过和已停售的商品',
} as const;
