import { sql } from 'kysely';
import type { Session } from '../db/database.ts';
import type { ImportKind } from './import-kinds.ts';
import { SERVICE_RECORD_STAGING } from './service-record-fields.ts';

const IDENTITY_COLUMNS = [
  ['line', 'int'],
  ['idkey', 'text'],
  ['ext', 'text'],
  ['phone', 'text'],
  ['email', 'text'],
  ['card', 'text'],
  ['unionid', 'text'],
  ['openid', 'text'],
  ['platform', 'text'],
] as const;

/** Columns of each kind's staging table, in COPY order (must match row-normalize.ts). */
const KIND_COLUMNS: Record<ImportKind, ReadonlyArray<readonly [string, string]>> = {
  orders: [
    ['order_id', 'text'],
    ['ts_local', 'timestamp'],
    ['ts_abs', 'timestamptz'],
    ['amount', 'bigint'],
    ['refunded', 'bigint'],
    ['status', 'text'],
    ['channel', 'text'],
    ['store', 'text'],
    ['coupon_code', 'text'],
    ['name', 'text'],
  ],
  'order-lines': [
    ['order_id', 'text'],
    ['ts_local', 'timestamp'],
    ['ts_abs', 'timestamptz'],
    ['sku', 'text'],
    ['product_name', 'text'],
    ['quantity', 'numeric'],
    ['unit_price', 'numeric'],
    ['amount', 'bigint'],
    ['status', 'text'],
    ['channel', 'text'],
    ['store', 'text'],
    ['name', 'text'],
  ],
  customers: [
    ['name', 'text'],
    ['gender', 'text'],
    ['birthday', 'date'],
    ['city', 'text'],
    ['country', 'text'],
    ['tags', 'text'],
    ['member_tier', 'text'],
    ['owner_user_id', 'int'],
  ],
  events: [
    ['type', 'text'],
    ['ts_local', 'timestamp'],
    ['ts_abs', 'timestamptz'],
    ['properties', 'jsonb'],
  ],
  'service-records': SERVICE_RECORD_STAGING,
};

/** Column names of each kind's staging table. */
export const STAGING_COLUMNS: Record<ImportKind, readonly string[]> = Object.fromEntries(
  Object.entries(KIND_COLUMNS).map(([kind, cols]) => [
    kind,
    [...IDENTITY_COLUMNS, ...cols].map(([name]) => name),
  ]),
) as unknown as Record<ImportKind, readonly string[]>;

/** The staging table every import loads into with COPY before set-based processing. */
export const STAGING_TABLE = 'import_stage';

/** Creates the (session-private) staging table for a kind, plus `customer_id` filled by identity resolution. */
export async function createStaging(
  session: Session,
  kind: ImportKind,
  /** `byOrder`: indexed by order id as rows arrive, so later steps can read ranges of orders. */
  options: { byOrder?: boolean } = {},
): Promise<void> {
  const columns = [...IDENTITY_COLUMNS, ...KIND_COLUMNS[kind], ['customer_id', 'bigint']]
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
  await sql.raw(`drop table if exists ${STAGING_TABLE}`).execute(session.db);
  await sql.raw(`create temp table ${STAGING_TABLE} (${columns})`).execute(session.db);
  if (options.byOrder)
    await sql.raw(`create index ${STAGING_TABLE}_order on ${STAGING_TABLE} (order_id)`).execute(session.db);
}

/** The identity columns of staging rows, as `(identity type, staging column)`. */
export const STAGED_IDENTITIES: ReadonlyArray<readonly [string, string]> = [
  ['external_id', 'ext'],
  ['phone', 'phone'],
  ['email', 'email'],
  ['member_card', 'card'],
  ['wechat_unionid', 'unionid'],
  ['wechat_openid', 'openid'],
  ['platform_id', 'platform'],
];
