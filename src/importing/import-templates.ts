import ExcelJS from 'exceljs';
import type { ImportKind } from './import-kinds.ts';
import type { ImportLang } from './row-normalize.ts';

/**
 * The columns of each kind's template, in the order a person fills them: required ones first,
 * then the identities, then the rest. Every zh-CN header is an alias the import reads as its field.
 */
const TEMPLATE_FIELDS: Record<ImportKind, ReadonlyArray<readonly [field: string, zh: string]>> = {
  orders: [
    ['order_id', '订单号'],
    ['ordered_at', '下单时间'],
    ['amount', '实付金额'],
    ['customer_id', '客户编号'],
    ['phone', '手机号'],
    ['email', '邮箱'],
    ['member_card', '会员卡号'],
    ['name', '姓名'],
    ['status', '订单状态'],
    ['refunded_amount', '退款金额'],
    ['channel', '渠道'],
    ['store', '门店'],
    ['coupon_code', '优惠券码'],
  ],
  'order-lines': [
    ['order_id', '订单号'],
    ['ordered_at', '下单时间'],
    ['quantity', '数量'],
    ['unit_price', '单价'],
    ['sku', '商品编码'],
    ['product_name', '商品名称'],
    ['customer_id', '客户编号'],
    ['phone', '手机号'],
    ['email', '邮箱'],
    ['member_card', '会员卡号'],
    ['name', '姓名'],
    ['status', '订单状态'],
    ['channel', '渠道'],
    ['store', '门店'],
  ],
  customers: [
    ['customer_id', '客户编号'],
    ['phone', '手机号'],
    ['email', '邮箱'],
    ['member_card', '会员卡号'],
    ['name', '姓名'],
    ['gender', '性别'],
    ['birthday', '生日'],
    ['city', '城市'],
    ['country', '国家'],
    ['tags', '标签'],
    ['member_tier', '会员等级'],
    ['owner', '专属客服'],
  ],
  events: [
    ['type', '事件类型'],
    ['occurred_at', '发生时间'],
    ['customer_id', '客户编号'],
    ['phone', '手机号'],
    ['email', '邮箱'],
    ['member_card', '会员卡号'],
  ],
  'service-records': [
    ['record_type', '记录类型'],
    ['summary', '摘要'],
    ['occurred_at', '服务时间'],
    ['customer_id', '客户编号'],
    ['phone', '手机号'],
    ['email', '邮箱'],
    ['member_card', '会员卡号'],
    ['record_status', '处理状态'],
    ['staff', '处理人'],
    ['external_ref', '工单号'],
  ],
};

/** The template's header row: Chinese headers for zh-CN, the field names otherwise. */
export function templateHeaders(kind: ImportKind, lang: ImportLang): string[] {
  return TEMPLATE_FIELDS[kind].map(([field, zh]) => (lang === 'zh-CN' ? zh : field));
}

/** The file name of a kind's template, e.g. `retain-orders-template.xlsx`. */
export const templateFileName = (kind: ImportKind, format: 'csv' | 'xlsx') =>
  `retain-${kind}-template.${format}`;

/**
 * A kind's empty template as a file: CSV (UTF-8 with a BOM, so Excel reads the Chinese headers)
 * or an XLSX workbook with the header row bold and frozen.
 */
export async function templateFile(
  kind: ImportKind,
  format: 'csv' | 'xlsx',
  lang: ImportLang,
): Promise<Buffer> {
  const headers = templateHeaders(kind, lang);
  if (format === 'csv') return Buffer.from(`\uFEFF${headers.join(',')}\r\n`, 'utf8');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(lang === 'zh-CN' ? '导入模板' : 'template', {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.addRow(headers).font = { bold: true };
  sheet.columns.forEach((column) => {
    column.width = 16;
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
