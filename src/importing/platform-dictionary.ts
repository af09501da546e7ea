import type { OrderStatus } from '../db/schema.ts';
import type { ImportKind } from './import-kinds.ts';

/** What a platform calls the file it exports: its orders, their items, its customers or members. */
export type PlatformExport = 'orders' | 'order-items' | 'customers' | 'members';

/** One export file of a platform, recognised by headers it always has. */
export interface PlatformExportSignature {
  export: PlatformExport;
  /** Every one of these headers is in the file (compared as column matching compares headers). */
  headers: readonly string[];
  /** The import kinds the file can be loaded as, best first. */
  kinds: readonly ImportKind[];
}

/** The header spellings and status words of one platform's exports. */
export interface PlatformDictionary {
  platform: string;
  /** The platform's name as merchants know it. */
  label: string;
  /** Canonical field → the platform's header spellings (after the generic aliases in matching). */
  headers: Readonly<Partial<Record<string, readonly string[]>>>;
  /**
   * Spellings read first, and only, in a file recognised as this platform's: too generic for other
   * files (Shopify's `Name` is the order number, elsewhere a person's name), or the platform's
   * better column where a file has several candidates (微盟's member phone over the consignee's).
   */
  ownHeaders?: Readonly<Partial<Record<string, readonly string[]>>>;
  /** The platform's order status text → §3.2 status. */
  statuses: Readonly<Record<string, OrderStatus>>;
  /**
   * Its orders export prints one row per item, the order's own cells on the first only: a later row
   * of the same order with no amount and no status is read as part of it (never in other files).
   */
  itemRows?: boolean;
  /** How its export files are recognised (platform-detect.ts). */
  exports: readonly PlatformExportSignature[];
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
    exports: [
      {
        export: 'orders',
        headers: ['订单编号', '买家会员名', '买家实际支付金额', '宝贝标题'],
        kinds: ['orders'],
      },
    ],
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
    exports: [
      { export: 'orders', headers: ['订单号', '京东价', '订购数量', '下单时间'], kinds: ['order-lines'] },
    ],
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
    exports: [
      { export: 'orders', headers: ['订单号', '用户实付金额(元)', '拼单成功时间'], kinds: ['orders'] },
    ],
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
    exports: [
      { export: 'orders', headers: ['主订单编号', '子订单编号', '选购商品'], kinds: ['order-lines'] },
    ],
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
    exports: [
      { export: 'orders', headers: ['订单号', '商品实际成交金额', '规格编码'], kinds: ['order-lines'] },
    ],
  },
  {
    platform: 'weimob',
    label: '微盟',
    headers: {
      customer_id: ['客户ID'],
      phone: ['会员手机号', '客户手机号'],
      ordered_at: ['下单时间'],
      amount: ['实付金额', '订单实付金额'],
      channel: ['订单来源'],
      store: ['门店名称', '下单门店'],
      product_name: ['商品名称'],
      quantity: ['商品数量'],
      unit_price: ['商品单价'],
      sku: ['商品编码'],
      member_tier: ['会员等级'],
    },
    ownHeaders: { phone: ['会员手机号'] },
    statuses: {
      待支付: 'pending',
      待付款: 'pending',
      待发货: 'paid',
      部分发货: 'paid',
      待收货: 'paid',
      已完成: 'completed',
      已取消: 'cancelled',
      已关闭: 'cancelled',
      已退款: 'refunded',
      退款完成: 'refunded',
    },
    exports: [
      {
        export: 'orders',
        headers: ['订单编号', '会员手机号', '订单来源', '配送方式', '实付金额'],
        kinds: ['orders'],
      },
      {
        export: 'order-items',
        headers: ['订单编号', '会员手机号', '商品编码', '商品单价', '商品实付金额'],
        kinds: ['order-lines'],
      },
      { export: 'members', headers: ['客户ID', '会员卡号', '成为会员时间'], kinds: ['customers'] },
    ],
  },
  {
    platform: 'shopify',
    label: 'Shopify',
    // One row per line item: the order's own cells (Financial Status, Total, …) only on its first.
    headers: {
      ordered_at: ['Created at'],
      amount: ['Total'],
      refunded_amount: ['Refunded Amount'],
      status: ['Financial Status'],
      fulfillment_status: ['Fulfillment Status'],
      cancelled_at: ['Cancelled at'],
      coupon_code: ['Discount Code'],
      quantity: ['Lineitem quantity'],
      unit_price: ['Lineitem price'],
      sku: ['Lineitem sku'],
      product_name: ['Lineitem name'],
      name: ['Billing Name', 'Shipping Name'],
      first_name: ['First Name'],
      last_name: ['Last Name'],
      city: ['Default Address City'],
      country: ['Default Address Country Code', 'Country Code'],
    },
    ownHeaders: { order_id: ['Name'] },
    itemRows: true,
    statuses: {
      pending: 'pending',
      authorized: 'pending',
      partially_paid: 'paid',
      paid: 'paid',
      // §3.2: a partial refund keeps the order paid; its amount comes from Refunded Amount.
      partially_refunded: 'paid',
      refunded: 'refunded',
      voided: 'cancelled',
      expired: 'cancelled',
    },
    exports: [
      {
        export: 'orders',
        headers: ['Name', 'Financial Status', 'Lineitem quantity', 'Lineitem price'],
        kinds: ['orders', 'order-lines'],
      },
      {
        export: 'customers',
        headers: ['First Name', 'Last Name', 'Total Spent', 'Total Orders'],
        kinds: ['customers'],
      },
    ],
  },
];
