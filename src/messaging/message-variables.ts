import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { todayIn } from '../shared/local-date.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import type { Locale } from './template-render.ts';

/** What a send may add: a coupon just issued, a recommendation, a list of recommendations. */
export interface ExtraVariables {
  coupon_code?: string;
  recommendation?: string;
  recommendations?: string[];
}

/** What the personalisation variables of a customer are made from. */
export interface CustomerVariableRow {
  id: number;
  name: string | null;
  last_order_date: string | null;
  tier: string | null;
  points: number;
  last_product: string | null;
}

/** The rows behind the variables of many customers, in one statement (a delivery round's worth). */
export async function customerVariableRows(
  db: Kysely<Schema>,
  workspaceId: number,
  customerIds: readonly number[],
): Promise<Map<number, CustomerVariableRow>> {
  const ws = workspaceId;
  const rows = await sql<CustomerVariableRow>`
    select c.id, c.name, c.last_order_date::text as last_order_date, t.tier,
      coalesce((select sum(points) from points_ledger l where l.workspace_id = ${ws} and l.customer_id = c.id), 0)::int as points,
      (select coalesce(ol.product_name, ol.sku) from orders o join order_lines ol on ol.workspace_id = o.workspace_id and ol.order_id = o.order_id
        where o.workspace_id = ${ws} and o.customer_id = c.id order by o.ordered_at desc, ol.line_no limit 1) as last_product
    from customers c left join customer_tiers t on t.workspace_id = c.workspace_id and t.customer_id = c.id
    where c.workspace_id = ${ws} and c.id = any(${customerIds}::bigint[])`.execute(db);
  return new Map(rows.rows.map((r) => [Number(r.id), r]));
}

/** The tier levels of a workspace's settings, read once per settings object (a round renders thousands). */
const levelsBySettings = new WeakMap<object, ReturnType<typeof readSettings>['tiers']['levels']>();

function tierLevels(workspace: Workspace) {
  const raw = workspace.settings as unknown;
  if (!raw || typeof raw !== 'object') return readSettings(raw).tiers.levels;
  let levels = levelsBySettings.get(raw);
  if (!levels) {
    levels = readSettings(raw).tiers.levels;
    levelsBySettings.set(raw, levels);
  }
  return levels;
}

/** The variables of one customer from its row (undefined when there is none). */
export function variablesFromRow(
  workspace: Workspace,
  c: CustomerVariableRow | undefined,
  locale: Locale,
  extra: ExtraVariables = {},
  /** Today in the workspace's zone, when the caller knows it (a round renders thousands). */
  today: string = todayIn(workspace.timezone),
): Record<string, unknown> {
  const level = tierLevels(workspace).find((l) => l.code === c?.tier);
  const days = c?.last_order_date
    ? Math.round((Date.parse(today) - Date.parse(c.last_order_date)) / 86_400_000)
    : null;
  return {
    name: c?.name ?? (locale === 'en' ? 'there' : '顾客'),
    tier: level ? (locale === 'en' ? level.name_en : level.name_zh) : null,
    last_product: c?.last_product ?? null,
    days_since_last_order: days,
    points: c?.points ?? 0,
    // Known even when there is none, so a template using it renders (empty) rather than fails.
    recommendation: null,
    recommendations: [],
    ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
  };
}

/**
 * The personalisation variables of one customer: `name`, `tier`, `last_product`,
 * `days_since_last_order`, `points`, and any of `coupon_code`, `recommendation` and
 * `recommendations` given.
 */
export async function customerVariables(
  db: Kysely<Schema>,
  workspace: Workspace,
  customerId: number,
  locale: Locale,
  extra: ExtraVariables = {},
): Promise<Record<string, unknown>> {
  const rows = await customerVariableRows(db, workspace.id, [customerId]);
  return variablesFromRow(workspace, rows.get(customerId), locale, extra);
}
