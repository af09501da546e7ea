import { normalizeEmail, normalizeExternalId, normalizePhone } from '../identity/identity-normalize.ts';
import { formatDecimal, multiplyToMinorUnits, toMinorUnits, toMinorUnitsExact } from '../shared/decimal.ts';
import { setOwn } from '../shared/safe-input.ts';
import {
  FIELD_MAX_CHARS,
  fieldLimit,
  firstExtraCell,
  MAX_MINOR_UNITS,
  MAX_QUANTITY,
  type Reason,
  TEXT_MAX_CHARS,
  textProblemIn,
} from './cell-check.ts';
import { parseDate, parseDateTime } from './datetime-parse.ts';
import { type ColumnMap, IDENTITY_FIELDS, type ImportKind } from './import-kinds.ts';
import { minorDigits, parseMoney } from './money-parse.ts';
import { FIELD_ZH, MASKED, r } from './row-reasons.ts';
import { serviceRecordCells } from './service-record-row.ts';
import { STAGING_COLUMNS } from './staging.ts';
import { personName, rowStatus } from './status-cells.ts';

/** A row that cannot be loaded, with the column at fault. */
export interface RowError {
  line: number;
  column: string;
  reason: string;
}

/** The language of an import's row errors: English, or Simplified Chinese for zh-CN users. */
export type ImportLang = 'en' | 'zh-CN';

/** What a row normaliser needs to know about the workspace and the file. */
export interface RowContext {
  kind: ImportKind;
  columns: ColumnMap;
  headers: readonly string[];
  currency: string;
  /** The language of the reasons (default English). */
  lang?: ImportLang;
  /** Orders: the file is a platform's one-row-per-item export (Shopify's): item rows join their order. */
  itemRows?: boolean;
  /** Told of each loaded row that carried a masked phone or email (not an identity, left out). */
  onMasked?: () => void;
  /** Customers: a member's user id for an owner cell (email, or a name only one member has), or why not. */
  owners?: (text: string) => number | { error: Reason };
}

export type Cell = string | number | bigint | null;

class CellError extends Error {
  constructor(
    readonly column: string,
    readonly reason: Reason,
  ) {
    super(reason.en);
  }
}

const IDENTITY_NORMALIZERS: Record<string, (text: string) => string | undefined> = {
  customer_id: normalizeExternalId,
  phone: normalizePhone,
  email: normalizeEmail,
};

const PERSONAL_IDENTITIES = new Set(['phone', 'email', 'wechat_unionid', 'wechat_openid']);

const GENDERS: Record<string, string> = {
  男: 'male',
  m: 'male',
  male: 'male',
  man: 'male',
  先生: 'male',
  女: 'female',
  f: 'female',
  female: 'female',
  woman: 'female',
  女士: 'female',
};

/**
 * Builds the function that turns one file record into a staging row, a row error, or null for an
 * orders file's item row that belongs to the order above it (counted, not loaded).
 */
export function rowNormalizer(
  ctx: RowContext,
): (line: number, cells: readonly string[]) => Cell[] | RowError | null {
  const { columns, headers, kind } = ctx;
  const digits = minorDigits(ctx.currency);
  const mapped = new Set(columns.values());
  const header = (field: string) => headers[columns.get(field) ?? -1] ?? field;
  const fail = (field: string, reason: Reason): never => {
    throw new CellError(header(field), reason);
  };
  // Every field is read through here: a value the database could not store is this row's error.
  const text = (cells: readonly string[], field: string): string => {
    const i = columns.get(field);
    if (i === undefined) return '';
    const raw = cells[i] ?? '';
    const problem = textProblemIn(raw, fieldLimit(field));
    return problem ? fail(field, problem) : raw.trim();
  };
  const maxAmount = formatDecimal({ units: MAX_MINOR_UNITS, scale: digits });
  const required = (cells: readonly string[], field: string) =>
    text(cells, field) || fail(field, r('is empty', '为空'));
  const time = (cells: readonly string[], field: string): [string | null, string | null] => {
    const raw = required(cells, field);
    const t =
      parseDateTime(raw) ?? fail(field, r(`"${raw}" is not a date and time`, `「${raw}」不是日期时间`));
    return 'local' in t ? [t.local, null] : [null, t.absolute];
  };
  const money = (cells: readonly string[], field: string, fallback?: string): bigint => {
    const raw = text(cells, field) || fallback;
    if (raw === undefined) return fail(field, r('is empty', '为空'));
    const value = parseMoney(raw) ?? fail(field, r(`"${raw}" is not an amount`, `「${raw}」不是金额`));
    // Rounding 0.001 to 0 would change the amount without anyone knowing.
    if (value.scale > digits && value.units % 10n ** BigInt(value.scale - digits) !== 0n)
      fail(
        field,
        r(
          `${raw} has more decimals than ${ctx.currency} has (${digits}); it would be rounded`,
          `「${raw}」的小数位多于 ${ctx.currency} 的 ${digits} 位，会被舍入`,
        ),
      );
    const minor = toMinorUnits(value, digits);
    if (minor < 0n) fail(field, r(`${raw} is negative`, `「${raw}」是负数`));
    return minor > MAX_MINOR_UNITS
      ? fail(
          field,
          r(`${raw} is too large (the most is ${maxAmount})`, `「${raw}」太大（最多 ${maxAmount}）`),
        )
      : minor;
  };
  const optional = (cells: readonly string[], field: string) => text(cells, field) || null;

  let masked = false;
  const identity = (cells: readonly string[]): Cell[] => {
    const keyParts: string[] = [];
    masked = false;
    const values = IDENTITY_FIELDS.map(([field, type]) => {
      const raw = text(cells, field);
      if (!raw) return null;
      if (MASKED[field]?.test(raw)) {
        masked = true;
        return null;
      }
      const normalize = IDENTITY_NORMALIZERS[field] ?? normalizeExternalId;
      // Personal values are not repeated in the reason, which every role reads in the job's errors.
      const personal = PERSONAL_IDENTITIES.has(field);
      const value =
        normalize(raw) ??
        fail(
          field,
          r(
            `${personal ? '' : `"${raw}" `}is not a valid ${field.replace('_', ' ')}`,
            `${personal ? '' : `「${raw}」`}不是有效的${FIELD_ZH[field] ?? field}`,
          ),
        );
      keyParts.push(`${type}=${value}`);
      return value;
    });
    return [keyParts.length > 0 ? keyParts.join('\u001f') : null, ...values];
  };

  const checkCurrency = (cells: readonly string[]) => {
    const code = text(cells, 'currency').toUpperCase();
    if (code && code !== ctx.currency)
      fail(
        'currency',
        r(
          `${code} differs from the workspace currency ${ctx.currency}`,
          `「${code}」与工作区币种 ${ctx.currency} 不同`,
        ),
      );
  };
  const status = (cells: readonly string[]) => rowStatus((field) => text(cells, field), fail);
  // Shopify prints an order's figures on its first row only; its later rows carry just items.
  let previousOrder: string | undefined;
  const isItemRow = (cells: readonly string[], orderId: string) => {
    const itemRow =
      ctx.itemRows === true && orderId === previousOrder && !text(cells, 'amount') && !text(cells, 'status');
    previousOrder = orderId;
    return itemRow;
  };

  const byKind: Record<ImportKind, (cells: readonly string[]) => Cell[] | null> = {
    orders: (cells) => {
      const orderId = required(cells, 'order_id');
      if (isItemRow(cells, orderId)) return null;
      const [local, absolute] = time(cells, 'ordered_at');
      const amount = money(cells, 'amount');
      const refunded = money(cells, 'refunded_amount', '0');
      if (refunded > amount) fail('refunded_amount', r('is larger than the amount', '大于订单金额'));
      checkCurrency(cells);
      return [
        orderId,
        local,
        absolute,
        amount,
        refunded,
        status(cells),
        optional(cells, 'channel'),
        optional(cells, 'store'),
        optional(cells, 'coupon_code'),
        optional(cells, 'name'),
      ];
    },
    'order-lines': (cells) => {
      const orderId = required(cells, 'order_id');
      const [local, absolute] = time(cells, 'ordered_at');
      const rawQty = required(cells, 'quantity');
      const quantity =
        parseMoney(rawQty) ?? fail('quantity', r(`"${rawQty}" is not a number`, `「${rawQty}」不是数字`));
      const rawPrice = required(cells, 'unit_price');
      const price =
        parseMoney(rawPrice) ??
        fail('unit_price', r(`"${rawPrice}" is not an amount`, `「${rawPrice}」不是金额`));
      if (price.units < 0n) fail('unit_price', r(`${rawPrice} is negative`, `「${rawPrice}」是负数`));
      const whole = quantity.units / 10n ** BigInt(quantity.scale);
      if (whole > MAX_QUANTITY || -whole > MAX_QUANTITY)
        fail(
          'quantity',
          r(
            `${rawQty} is too large (the most is ${MAX_QUANTITY})`,
            `「${rawQty}」太大（最多 ${MAX_QUANTITY}）`,
          ),
        );
      if (toMinorUnits(price, digits) > MAX_MINOR_UNITS)
        fail(
          'unit_price',
          r(
            `${rawPrice} is too large (the most is ${maxAmount})`,
            `「${rawPrice}」太大（最多 ${maxAmount}）`,
          ),
        );
      const lineAmount = multiplyToMinorUnits(quantity, price, digits);
      if (lineAmount > MAX_MINOR_UNITS || -lineAmount > MAX_MINOR_UNITS)
        fail(
          'quantity',
          r(
            `${rawQty} × ${rawPrice} is too large an amount (the most is ${maxAmount})`,
            `「${rawQty} × ${rawPrice}」金额太大（最多 ${maxAmount}）`,
          ),
        );
      checkCurrency(cells);
      return [
        orderId,
        local,
        absolute,
        optional(cells, 'sku'),
        optional(cells, 'product_name'),
        formatDecimal(quantity),
        toMinorUnitsExact(price, digits),
        lineAmount,
        status(cells),
        optional(cells, 'channel'),
        optional(cells, 'store'),
        optional(cells, 'name'),
      ];
    },
    customers: (cells) => {
      const rawBirthday = text(cells, 'birthday');
      const birthday = rawBirthday
        ? (parseDate(rawBirthday) ??
          fail('birthday', r(`"${rawBirthday}" is not a date`, `「${rawBirthday}」不是日期`)))
        : null;
      const rawGender = text(cells, 'gender');
      const gender = rawGender ? (GENDERS[rawGender.toLowerCase()] ?? rawGender) : null;
      const tags = text(cells, 'tags')
        .split(/[,，;；|]/)
        .map((t) => t.trim())
        .filter(Boolean);
      const rawOwner = text(cells, 'owner');
      let owner: number | null = null;
      if (rawOwner) {
        const found = ctx.owners?.(rawOwner) ?? {
          error: r('the workspace’s members could not be read', '无法读取工作区成员'),
        };
        owner = typeof found === 'number' ? found : fail('owner', found.error);
      }
      return [
        optional(cells, 'name') ?? personName(text(cells, 'first_name'), text(cells, 'last_name')),
        gender,
        birthday,
        optional(cells, 'city'),
        optional(cells, 'country'),
        tags.length > 0 ? [...new Set(tags)].join('\u001f') : null,
        optional(cells, 'member_tier'),
        owner,
      ];
    },
    events: (cells) => {
      const type = required(cells, 'type');
      const [local, absolute] = time(cells, 'occurred_at');
      // API batches carry typed properties as one JSON object; files carry them as extra columns.
      const properties =
        parseProperties(text(cells, 'properties')) ??
        fail('properties', r('is not a JSON object', '不是 JSON 对象'));
      headers.forEach((h, i) => {
        const value = cells[i] ?? '';
        if (mapped.has(i) || !value.trim()) return;
        const name = h.trim() || columnName(i);
        if (!h.trim())
          throw new CellError(
            name,
            r(
              'has a value but no header, so it cannot be kept as a property',
              '有值但没有表头，无法作为属性保存',
            ),
          );
        const problem = textProblemIn(value, TEXT_MAX_CHARS);
        if (problem) throw new CellError(name, problem);
        // An own property even for `__proto__` or `constructor`: kept, and no prototype touched.
        setOwn(properties, h.trim(), value.trim());
      });
      for (const [key, value] of Object.entries(properties)) {
        const problem =
          textProblemIn(key, FIELD_MAX_CHARS) ??
          (typeof value === 'string' ? textProblemIn(value, TEXT_MAX_CHARS) : undefined);
        if (problem) throw new CellError(key.slice(0, 100), problem);
      }
      return [type, local, absolute, JSON.stringify(properties)];
    },
    'service-records': (cells) => serviceRecordCells({ text, required, time, fail, header }, cells),
  };

  const expected = STAGING_COLUMNS[kind].length;
  const zh = ctx.lang === 'zh-CN';
  const columnName = (i: number) => (zh ? `第 ${i + 1} 列` : `column ${i + 1}`);
  return (line, cells) => {
    // A cell beyond the header usually means the row shifted (a comma in an unquoted cell).
    const extra = firstExtraCell(cells, headers.length);
    if (extra >= 0) {
      const column = columnName(extra);
      return {
        line,
        column,
        reason: zh
          ? `${column}有值，但表头只有 ${headers.length} 列（未加引号的单元格里有逗号或制表符？）`
          : `${column} has a value but the header names only ${headers.length} columns (a comma or tab inside an unquoted cell?)`,
      };
    }
    try {
      const ids = identity(cells);
      if (ids[0] === null && kind !== 'orders' && kind !== 'order-lines') {
        const reason = masked
          ? r(
              'no customer identity: a masked phone or email identifies nobody (customer_id, member card, …)',
              '没有客户身份：打码的手机号或邮箱不能识别客户（客户编号、会员卡号……）',
            )
          : r(
              'no customer identity (customer_id, phone, email, …)',
              '没有客户身份（客户编号、手机号、邮箱……）',
            );
        return { line, column: '', reason: zh ? reason.zh : reason.en };
      }
      const cellsOfKind = byKind[kind](cells);
      if (cellsOfKind === null) return null;
      const row = [line, ...ids, ...cellsOfKind];
      if (row.length !== expected)
        throw new Error(`staging row for ${kind} has ${row.length} cells, expected ${expected}`);
      if (masked) ctx.onMasked?.();
      return row;
    } catch (error) {
      if (error instanceof CellError)
        return {
          line,
          column: error.column,
          reason: zh ? `${error.column}${error.reason.zh}` : `${error.column} ${error.reason.en}`,
        };
      throw error;
    }
  };
}

/** A JSON object of event properties (own keys kept as they are), {} when empty, undefined when no object. */
function parseProperties(json: string): Record<string, unknown> | undefined {
  if (!json) return {};
  try {
    // JSON.parse makes `__proto__` an own property; it never sets a prototype.
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Escapes one value for COPY's text format. */
export function copyValue(value: Cell): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : value;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
