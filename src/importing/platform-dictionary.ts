import type { OrderStatus } from '../db/schema.ts';

/** The header spellings and status words of one platform's order exports. */
export interface PlatformDictionary {
  platform: string;
  /** The platform's name as merchants know it. */
  label: string;
  /** Canonical field → the platform's header spellings (after the generic aliases in matching). */
  headers: Readonly<Partial<Record<string, readonly string[]>>>;
  /** The platform's order status text → §3.2 status. */
  statuses: Readonly<Record<string, OrderStatus>>;
}

/**
 * Data, not logic: what the order exports of Chinese shop platforms call each field and how they
 * word an order's status, as the export files print them. Adding a platform is adding an entry;
 * the import reads every entry's headers and statuses (a word may not mean two statuses, which a
 * test checks).
 */
export const PLATFORM_DICTIONARIES: readonly PlatformDictionary[] = [
  {
    platform: 'tmall',
    label: '天猫/淘宝',
    headers: {
      amount: ['买家实际支付金额', '买家应付货款'],
      ordered_at: ['订单付款时间'],
      phone: ['联系手机'],
      name: ['收货人姓名'],
      quantity: ['宝贝总数量'],
      product_name: ['宝贝标题'],
    },
    statuses: {
      等待买家付款: 'pending',
      '买家已付款，等待卖家发货': 'paid',
      '卖家已发货，等待买家确认': 'paid',
      卖家部分发货: 'paid',
      交易成功: 'completed',
      交易关闭: 'cancelled',
      '付款以前，卖家或买家主动关闭交易': 'cancelled',
      '付款以后用户退款成功，交易自动关闭': 'refunded',
    },
  },
  {
    platform: 'jd',
    label: '京东',
    headers: {
      order_id: ['订单号'],
      platform_id: ['下单帐号', '下单账号'],
      name: ['客户姓名'],
      quantity: ['订购数量'],
      unit_price: ['京东价'],
      amount: ['应付金额'],
      sku: ['商品ID'],
    },
    statuses: {
      等待付款: 'pending',
      等待出库: 'paid',
      等待发货: 'paid',
      等待确认收货: 'paid',
      完成: 'completed',
      已完成: 'completed',
      已取消: 'cancelled',
      订单取消: 'cancelled',
    },
  },
  {
    platform: 'pinduoduo',
    label: '拼多多',
    headers: {
      amount: ['用户实付金额(元)', '商家实收金额(元)'],
      ordered_at: ['拼单成功时间', '订单成交时间'],
      phone: ['手机', '用户购买手机号'],
      name: ['收货人'],
      quantity: ['商品数量(件)'],
      sku: ['商家编码-SKU维度', '商家编码-商品维度'],
      product_name: ['商品'],
    },
    statuses: {
      待支付: 'pending',
      待发货: 'paid',
      '已发货，待签收': 'paid',
      已签收: 'completed',
      已取消: 'cancelled',
      '未发货，退款成功': 'refunded',
      '已发货，退款成功': 'refunded',
    },
  },
  {
    platform: 'douyin',
    label: '抖店',
    headers: {
      ordered_at: ['订单提交时间', '支付完成时间'],
      amount: ['订单应付金额'],
      phone: ['收件人手机号', '收件人电话'],
      name: ['收件人'],
      product_name: ['选购商品'],
      quantity: ['商品数量'],
      unit_price: ['商品单价'],
    },
    statuses: {
      待支付: 'pending',
      备货中: 'paid',
      待发货: 'paid',
      部分发货: 'paid',
      已发货: 'paid',
      已完成: 'completed',
      已关闭: 'cancelled',
      已取消: 'cancelled',
    },
  },
  {
    platform: 'youzan',
    label: '有赞',
    headers: {
      ordered_at: ['订单创建时间', '买家付款时间'],
      amount: ['订单实付金额', '商品实际成交金额'],
      phone: ['收货人手机号', '提货人手机号', '收货人手机号/提货人手机号'],
      name: ['收货人', '提货人', '收货人/提货人'],
      platform_id: ['粉丝昵称'],
      quantity: ['商品数量'],
      unit_price: ['商品单价'],
      sku: ['规格编码'],
    },
    statuses: {
      待付款: 'pending',
      等待买家付款: 'pending',
      待发货: 'paid',
      等待商家发货: 'paid',
      已发货: 'paid',
      商家已发货: 'paid',
      交易成功: 'completed',
      交易完成: 'completed',
      交易关闭: 'cancelled',
      已关闭: 'cancelled',
      退款成功: 'refunded',
    },
  },
];
