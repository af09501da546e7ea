import type { IdentityType } from '../db/schema.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { detectPlatform, headerKey } from './platform-detect.ts';
import { PLATFORM_DICTIONARIES } from './platform-dictionary.ts';
import { SERVICE_RECORD_ALIASES, SERVICE_RECORD_FIELDS } from './service-record-fields.ts';

/** What a file holds. */
export type ImportKind = 'customers' | 'orders' | 'order-lines' | 'events' | 'service-records';
export const IMPORT_KINDS: readonly ImportKind[] = [
  'customers',
  'orders',
  'order-lines',
  'events',
  'service-records',
];

/** Identity columns, in the order they are tried, with the identity type each carries. */
export const IDENTITY_FIELDS: ReadonlyArray<readonly [field: string, type: IdentityType]> = [
  ['customer_id', 'external_id'],
  ['phone', 'phone'],
  ['email', 'email'],
  ['member_card', 'member_card'],
  ['wechat_unionid', 'wechat_unionid'],
  ['wechat_openid', 'wechat_openid'],
  ['platform_id', 'platform_id'],
];

/**
 * Header spellings merchants' exports use for each canonical field, best first; the platforms'
 * spellings (platform-dictionary.ts) follow, after a recognised platform's own spellings, which
 * come first. Matching ignores case, spaces, `_`, `-`, `#` and a trailing unit in brackets, so
 * `Customer ID`, `customer_id` and `CustomerID` are one, and `用户实付金额(元)` is `用户实付金额`.
 */
const GENERIC_ALIASES: Record<string, readonly string[]> = {
  customer_id: [
    'customer_id',
    'customer',
    'external_id',
    'user_id',
    'buyer_id',
    '客户编号',
    '客户id',
    '会员id',
    '会员编号',
    '用户id',
    '买家id',
    '客户号',
  ],
  phone: [
    'phone',
    'mobile',
    'cellphone',
    'tel',
    'telephone',
    'phone_number',
    '手机号',
    '手机号码',
    '手机',
    '电话',
    '联系电话',
    '收货人手机',
    '收货人手机号',
    '收货人电话',
    '买家手机号',
    '客户手机号',
    '客户手机',
    '客户电话',
  ],
  email: ['email', 'e-mail', 'mail', 'email_address', '邮箱', '电子邮箱', '电子邮件'],
  member_card: ['member_card', 'card_no', 'card_number', 'membership_card', '会员卡号', '会员卡'],
  wechat_unionid: ['wechat_unionid', 'unionid', 'union_id'],
  wechat_openid: ['wechat_openid', 'openid', 'open_id'],
  platform_id: ['platform_id', 'buyer_nick', '买家昵称', '买家会员名'],
  order_id: [
    'order_id',
    'order_no',
    'order_number',
    'invoice_no',
    'invoice',
    '订单号',
    '订单编号',
    '主订单编号',
    '单号',
  ],
  ordered_at: [
    'ordered_at',
    'order_date',
    'order_time',
    'invoice_date',
    'created_at',
    'date',
    '下单时间',
    '付款时间',
    '支付时间',
    '订单时间',
    '创建时间',
    '订单创建时间',
    '日期',
  ],
  amount: [
    'amount',
    'paid_amount',
    'total',
    'order_amount',
    'total_amount',
    '实付金额',
    '买家实付金额',
    '实收金额',
    '支付金额',
    '订单金额',
    '金额',
  ],
  refunded_amount: ['refunded_amount', 'refund_amount', 'refund', '退款金额'],
  status: ['status', 'order_status', '订单状态', '状态'],
  fulfillment_status: ['fulfillment_status', 'fulfilment_status'],
  cancelled_at: ['cancelled_at', 'canceled_at', '取消时间'],
  currency: ['currency', '币种', '货币'],
  channel: ['channel', 'platform', 'source', '渠道', '来源渠道', '平台', '销售渠道'],
  store: ['store', 'shop', 'store_name', '门店', '店铺', '门店名称', '店铺名称'],
  coupon_code: ['coupon_code', 'coupon', '优惠券码', '优惠码'],
  sku: ['sku', 'stock_code', 'product_id', 'item_code', '商品编码', '商品编号', '商家编码', '货号'],
  product_name: ['product_name', 'description', 'product', 'item_name', '商品名称', '商品标题', '商品'],
  quantity: ['quantity', 'qty', '数量', '购买数量'],
  unit_price: ['unit_price', 'price', '单价', '商品单价'],
  name: ['name', 'customer_name', 'full_name', '姓名', '客户姓名', '会员姓名', '收货人'],
  first_name: ['first_name', 'given_name', '名'],
  last_name: ['last_name', 'surname', 'family_name', '姓'],
  gender: ['gender', 'sex', '性别'],
  birthday: ['birthday', 'birth_date', 'date_of_birth', 'dob', '生日', '出生日期'],
  city: ['city', '城市', '所在城市'],
  country: ['country', '国家', '国家地区'],
  tags: ['tags', 'tag', 'labels', '标签', '客户标签'],
  member_tier: ['member_tier', 'tier', 'member_level', 'level', '会员等级', '等级'],
  owner: ['owner', 'owner_email', '导购', '专属客服'],
  type: ['type', 'event', 'event_type', 'event_name', '事件', '事件类型'],
  occurred_at: [
    'occurred_at',
    'timestamp',
    'time',
    'event_time',
    '时间',
    '发生时间',
    '事件时间',
    // Service exports: tried after the names above, so an events file reads as before.
    '服务时间',
    '通话时间',
    '记录时间',
    '受理时间',
    '处理时间',
    '创建时间',
    'created_at',
    'date',
    '日期',
  ],
  ...SERVICE_RECORD_ALIASES,
};

const ALIASES: Record<string, readonly string[]> = Object.fromEntries(
  [
    ...new Set([
      ...Object.keys(GENERIC_ALIASES),
      ...PLATFORM_DICTIONARIES.flatMap((p) => Object.keys(p.headers)),
    ]),
  ].map((field) => [
    field,
    [
      ...new Set([
        ...(GENERIC_ALIASES[field] ?? [field]),
        ...PLATFORM_DICTIONARIES.flatMap((p) => p.headers[field] ?? []),
      ]),
    ],
  ]),
);

const IDENTITY_NAMES = IDENTITY_FIELDS.map(([field]) => field);

/** The fields each kind reads; the rest of a file's columns are ignored (events: kept as properties). */
export const KIND_FIELDS: Record<ImportKind, { fields: readonly string[]; required: readonly string[] }> = {
  customers: {
    fields: [
      ...IDENTITY_NAMES,
      'name',
      'first_name',
      'last_name',
      'gender',
      'birthday',
      'city',
      'country',
      'tags',
      'member_tier',
      'owner',
    ],
    required: [],
  },
  orders: {
    fields: [
      ...IDENTITY_NAMES,
      'order_id',
      'ordered_at',
      'amount',
      'refunded_amount',
      'status',
      'fulfillment_status',
      'cancelled_at',
      'currency',
      'channel',
      'store',
      'coupon_code',
      'name',
    ],
    required: ['order_id', 'ordered_at', 'amount'],
  },
  'order-lines': {
    fields: [
      ...IDENTITY_NAMES,
      'order_id',
      'ordered_at',
      'sku',
      'product_name',
      'quantity',
      'unit_price',
      'status',
      'fulfillment_status',
      'cancelled_at',
      'currency',
      'channel',
      'store',
      'name',
    ],
    required: ['order_id', 'ordered_at', 'quantity', 'unit_price'],
  },
  events: {
    fields: [...IDENTITY_NAMES, 'type', 'occurred_at'],
    required: ['type', 'occurred_at'],
  },
  'service-records': {
    fields: [...IDENTITY_NAMES, ...SERVICE_RECORD_FIELDS],
    required: ['record_type', 'summary', 'occurred_at'],
  },
};

/** Where each canonical field is found in a file: field → column index. */
export type ColumnMap = ReadonlyMap<string, number>;

/**
 * A file's header row matched to canonical fields: `overrides` (`--map field=Header`) first, an
 * empty header meaning "leave this field out" (a masked phone column, say), then every other field
 * by its aliases. Throws a one-line error for an unknown field or column.
 */
export function matchColumns(
  kind: ImportKind,
  headers: readonly string[],
  overrides: Record<string, string> = {},
): Map<string, number> {
  const { fields } = KIND_FIELDS[kind];
  const byKey = new Map<string, number>();
  headers.forEach((h, i) => {
    const key = headerKey(h);
    if (key && !byKey.has(key)) byKey.set(key, i);
  });
  const map = new Map<string, number>();
  const skipped = new Set<string>();
  for (const [field, source] of Object.entries(overrides)) {
    if (!fields.includes(field)) {
      throw new InvalidInputError(
        `--map ${field}=${source}: ${kind} files have no field "${field}" (fields: ${fields.join(', ')})`,
      );
    }
    if (source.trim() === '') {
      skipped.add(field);
      continue;
    }
    const index = headers.indexOf(source) >= 0 ? headers.indexOf(source) : byKey.get(headerKey(source));
    if (index === undefined) {
      throw new InvalidInputError(
        `--map ${field}=${source}: the file has no column "${source}" (columns: ${headers.join(', ')})`,
      );
    }
    map.set(field, index);
  }
  const taken = new Set(map.values());
  // A file recognised as a platform's export reads that platform's own spellings first.
  const platform = detectPlatform(headers)?.dictionary;
  for (const field of fields) {
    if (map.has(field) || skipped.has(field)) continue;
    for (const alias of [...(platform?.ownHeaders?.[field] ?? []), ...(ALIASES[field] ?? [field])]) {
      const index = byKey.get(headerKey(alias));
      if (index !== undefined && !taken.has(index)) {
        map.set(field, index);
        taken.add(index);
        break;
      }
    }
  }
  return map;
}

/**
 * Matches a file's header row to canonical fields ({@link matchColumns}) and checks that every
 * required column is there. Throws a one-line error naming what is missing.
 */
export function resolveColumns(
  kind: ImportKind,
  headers: readonly string[],
  overrides: Record<string, string> = {},
): ColumnMap {
  const { required } = KIND_FIELDS[kind];
  const map = matchColumns(kind, headers, overrides);
  const missing = required.filter((f) => !map.has(f));
  if (missing.length > 0) {
    const hint = missing.map((f) => `${f} (e.g. ${(ALIASES[f] ?? [f]).slice(0, 3).join(', ')})`).join('; ');
    throw new InvalidInputError(
      `the ${kind} file has no column for ${hint}; columns found: ${headers.join(', ')}. Use --map FIELD=COLUMN`,
    );
  }
  if (
    (kind === 'customers' || kind === 'events' || kind === 'service-records') &&
    !IDENTITY_NAMES.some((f) => map.has(f))
  ) {
    throw new InvalidInputError(
      `the ${kind} file has no customer identity column (${IDENTITY_NAMES.join(', ')}); columns found: ${headers.join(', ')}`,
    );
  }
  return map;
}
