/** The 8 RFM groups of PRODUCT.md §3.3, with their Chinese names and suggested actions. */
export const RFM_GROUPS = [
  {
    code: 'important_value',
    zh: '重要价值客户',
    recent: true,
    highF: true,
    highM: true,
    action_en: 'exclusive benefits, custom offers, one-to-one service',
    action_zh: '专属权益、定制优惠、一对一服务',
  },
  {
    code: 'important_develop',
    zh: '重要发展客户',
    recent: true,
    highF: false,
    highM: true,
    action_en: 'cross-sell, purchase incentives, tier-upgrade nudges',
    action_zh: '交叉销售、购买激励、引导升级会员等级',
  },
  {
    code: 'important_keep',
    zh: '重要保持客户',
    recent: false,
    highF: true,
    highM: true,
    action_en: 'proactive wake-up, exclusive discount, new products first',
    action_zh: '主动唤醒、专属折扣、新品优先体验',
  },
  {
    code: 'important_retain',
    zh: '重要挽留客户',
    recent: false,
    highF: false,
    highM: true,
    action_en: 'ask why they left, win-back gift, personal contact',
    action_zh: '了解流失原因、挽回礼品、专人联系',
  },
  {
    code: 'general_value',
    zh: '一般价值客户',
    recent: true,
    highF: true,
    highM: false,
    action_en: 'threshold discounts, group buys, raise basket size',
    action_zh: '满减优惠、拼团、提升客单价',
  },
  {
    code: 'general_develop',
    zh: '一般发展客户',
    recent: true,
    highF: false,
    highM: false,
    action_en: 'second-purchase gift, content, brand awareness',
    action_zh: '二次购买礼、内容种草、品牌认知',
  },
  {
    code: 'general_keep',
    zh: '一般保持客户',
    recent: false,
    highF: true,
    highM: false,
    action_en: 'silent-customer recall, small coupons, scenario picks',
    action_zh: '沉默客户召回、小额优惠券、场景化推荐',
  },
  {
    code: 'general_retain',
    zh: '一般挽留客户',
    recent: false,
    highF: false,
    highM: false,
    action_en: 'low value: touch less, or clean out',
    action_zh: '低价值：减少触达或清理',
  },
] as const;

export type RfmGroupCode = (typeof RFM_GROUPS)[number]['code'];

/** The group index (into {@link RFM_GROUPS}) for the three recent/high flags. */
export function groupIndex(recent: boolean, highF: boolean, highM: boolean): number {
  // Table order: M high first, then recent, then F high.
  return (highM ? 0 : 4) + (recent ? 0 : 2) + (highF ? 0 : 1);
}
