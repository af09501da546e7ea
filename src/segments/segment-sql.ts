import { type RawBuilder, sql } from 'kysely';
import { VALID_ORDER } from '../orders/order-status.ts';
import { LIFECYCLE_STAGES } from './lifecycle-stage.ts';
import { RFM_GROUPS } from './rfm-groups.ts';
import { type Segmentation, scoredPosition } from './rfm-service.ts';
import type { Condition } from './segment-condition.ts';
import { positionOf } from './sorted-ids.ts';

/** What compiling needs: the workspace, its zone, the as-of date and (if used) the segmentation. */
export interface CompileContext {
  workspaceId: number;
  timezone: string;
  asOf: string;
  segmentation?: Segmentation;
  /** Some valid order lies after `asOf`: aggregates are ahead of the date, so read orders instead. */
  historical?: boolean;
  /** Only these customers will be evaluated (the SQL restricts to them too): RFM leaves list no others. */
  only?: ReadonlySet<number>;
}

const OPS = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', neq: '<>' } as const;

function idsWhere(ctx: CompileContext, keep: Keep): RawBuilder<boolean> {
  const s = ctx.segmentation!;
  const ids: number[] = [];
  const test = (i: number, j: number) => {
    const ok =
      j < 0
        ? keep(-1, s.stages[i]!, 0, 0, 0, false)
        : keep(s.scores.group[j]!, s.stages[i]!, s.scores.r[j]!, s.scores.f[j]!, s.scores.m[j]!, true);
    if (ok) ids.push(s.facts.ids[i]!);
  };
  if (ctx.only) {
    // A few customers of many: look each up (both lists are in id order) instead of a full pass.
    for (const id of [...ctx.only].sort((a, b) => a - b)) {
      const i = positionOf(s.facts.ids, id);
      if (i >= 0) test(i, scoredPosition(s, i));
    }
    return sql<boolean>`c.id = any(${ids}::bigint[])`;
  }
  // Position in `scored` of each customer (-1: not scored): a typed array, not a million-entry Map.
  const scoreOf = new Int32Array(s.facts.ids.length).fill(-1);
  for (let j = 0; j < s.scored.length; j++) scoreOf[s.scored[j]!] = j;
  for (let i = 0; i < s.facts.ids.length; i++) test(i, scoreOf[i]!);
  return sql<boolean>`c.id = any(${ids}::bigint[])`;
}

const cmp = (a: number, op: keyof typeof OPS, b: number) =>
  op === 'gt'
    ? a > b
    : op === 'gte'
      ? a >= b
      : op === 'lt'
        ? a < b
        : op === 'lte'
          ? a <= b
          : op === 'eq'
            ? a === b
            : a !== b;

/**
 * Compiles a condition into a boolean SQL expression over `customers c`. Every leaf is made
 * two-valued (a customer with no orders simply does not match `days_since_last_order < 30`), so
 * NOT is the plain complement. Values are always bound parameters. Correlated subqueries match the
 * outer row's `c.workspace_id` (not a parameter): only then can Citus run them on the shard.
 */
export function compileCondition(c: Condition, ctx: CompileContext): RawBuilder<boolean> {
  const D = sql`${ctx.asOf}::date`;
  if ('all' in c)
    return sql<boolean>`(${sql.join(
      c.all.map((x) => compileCondition(x, ctx)),
      sql` and `,
    )})`;
  if ('any' in c)
    return sql<boolean>`(${sql.join(
      c.any.map((x) => compileCondition(x, ctx)),
      sql` or `,
    )})`;
  if ('not' in c) return sql<boolean>`(not ${compileCondition(c.not, ctx)})`;
  const leaf = (expr: RawBuilder<unknown>) => sql<boolean>`coalesce((${expr}), false)`;
  if ('attribute' in c) {
    const col = sql.ref(`c.${c.attribute}`);
    const values = Array.isArray(c.value) ? c.value : c.value === undefined ? [] : [c.value];
    switch (c.op) {
      case 'is_set':
        return leaf(sql`${col} is not null and ${col} <> ''`);
      case 'not_set':
        return leaf(sql`${col} is null or ${col} = ''`);
      case 'in':
        return leaf(sql`${col} = any(${values}::text[])`);
      case 'contains':
        return leaf(sql`strpos(lower(${col}), lower(${values[0] ?? ''})) > 0`);
      case 'neq':
        return leaf(sql`${col} is distinct from ${values[0] ?? null}`);
      default:
        return leaf(sql`${col} = ${values[0] ?? null}`);
    }
  }
  if ('tag' in c) {
    return leaf(
      sql`exists (select 1 from tags t where t.workspace_id = c.workspace_id and t.customer_id = c.id and t.tag = ${c.tag})`,
    );
  }
  if ('identity' in c) {
    return leaf(
      sql`exists (select 1 from identities i where i.workspace_id = c.workspace_id and i.customer_id = c.id and i.type = ${c.identity})`,
    );
  }
  if ('field' in c) {
    if (ctx.historical) {
      const upTo = sql`from orders o where o.workspace_id = c.workspace_id and o.customer_id = c.id and ${VALID_ORDER} and o.local_date <= ${D}`;
      const value =
        c.field === 'order_count'
          ? sql`(select count(*) ${upTo})`
          : c.field === 'net_total'
            ? sql`(select coalesce(sum(o.amount - o.refunded_amount), 0) ${upTo})`
            : c.field === 'days_since_last_order'
              ? sql`${D} - (select max(o.local_date) ${upTo})`
              : sql`${D} - (select min(o.local_date) ${upTo})`;
      return leaf(sql`${value} ${sql.raw(OPS[c.op])} ${c.value}`);
    }
    const value =
      c.field === 'order_count'
        ? sql`c.order_count`
        : c.field === 'net_total'
          ? sql`c.net_total`
          : c.field === 'days_since_last_order'
            ? sql`${D} - c.last_order_date`
            : sql`${D} - c.first_order_date`;
    return leaf(sql`${value} ${sql.raw(OPS[c.op])} ${c.value}`);
  }
  if ('orders' in c) {
    const within =
      c.orders.within_days === undefined
        ? sql`true`
        : sql`o.local_date > ${D} - ${c.orders.within_days}::int`;
    const sku =
      c.orders.sku === undefined
        ? sql`true`
        : sql`exists (select 1 from order_lines l where l.workspace_id = o.workspace_id and l.order_id = o.order_id and l.sku = ${c.orders.sku})`;
    const measure = c.measure === 'sum' ? sql`coalesce(sum(o.amount - o.refunded_amount), 0)` : sql`count(*)`;
    return leaf(sql`(select ${measure} from orders o where o.workspace_id = c.workspace_id and o.customer_id = c.id and ${VALID_ORDER}
      and o.local_date <= ${D} and ${within} and ${sku}) ${sql.raw(OPS[c.op])} ${c.value}`);
  }
  if ('event' in c) {
    const since = sql`((${D} + 1 - ${c.within_days}::int)::timestamp at time zone ${ctx.timezone})`;
    const until = sql`((${D} + 1)::timestamp at time zone ${ctx.timezone})`;
    // Compared as text, so a filter "2" matches a property stored as the number 2 or the string "2".
    const filters = Object.entries(c.properties ?? {}).map(([k, v]) => sql`and e.properties ->> ${k} = ${v}`);
    const props = filters.length ? sql.join(filters, sql` `) : sql``;
    const found = sql`exists (select 1 from events e where e.workspace_id = c.workspace_id and e.customer_id = c.id and e.type = ${c.event}
      and e.occurred_at >= ${since} and e.occurred_at < ${until} ${props})`;
    return leaf(c.did === false ? sql`not ${found}` : found);
  }
  if ('survey' in c) {
    // The customer's last survey answer (of the survey or kind, in the window) decides.
    const w = c.survey;
    const since =
      w.within_days === undefined
        ? sql`true`
        : sql`e.occurred_at >= ((${D} + 1 - ${w.within_days}::int)::timestamp at time zone ${ctx.timezone})`;
    const last = sql`select e.properties as p from events e where e.workspace_id = c.workspace_id and e.customer_id = c.id
      and e.type = 'survey_answered' and e.occurred_at < ((${D} + 1)::timestamp at time zone ${ctx.timezone}) and ${since}
      ${w.name === undefined ? sql`` : sql`and e.properties->>'survey' = ${w.name}`}
      ${w.kind === undefined ? sql`` : sql`and e.properties->>'kind' = ${w.kind}`}
      order by e.occurred_at desc, e.id desc limit 1`;
    const group = c.nps_group ? sql`and l.p->>'nps_group' = any(${c.nps_group}::text[])` : sql``;
    const score = c.score
      ? sql`and (l.p->>'score')::int ${sql.raw(OPS[c.score.op])} ${c.score.value}`
      : sql``;
    return leaf(sql`exists (select 1 from (${last}) l where true ${group} ${score})`);
  }
  if ('prediction' in c) {
    // The stored prediction (as of its last refresh); a customer without one does not match.
    const column = sql.ref(`p.${c.prediction}`);
    return leaf(sql`(select ${column} from customer_predictions p where p.workspace_id = c.workspace_id and p.customer_id = c.id)
      ${sql.raw(OPS[c.op])} ${c.value}::float8`);
  }
  return idsWhere(ctx, segmentationKeep(c as SegmentationLeaf));
}

type Keep = (group: number, stage: number, r: number, f: number, m: number, scored: boolean) => boolean;
type SegmentationLeaf = Extract<
  Condition,
  { rfm_group: string[] } | { lifecycle: string[] } | { score: 'r' | 'f' | 'm' }
>;

/** Whether a customer (by group, stage and scores) matches an RFM or lifecycle leaf. */
function segmentationKeep(c: SegmentationLeaf): Keep {
  if ('rfm_group' in c) {
    const wanted = new Set(c.rfm_group.map((code) => RFM_GROUPS.findIndex((g) => g.code === code)));
    return (group, _s, _r, _f, _m, scored) => scored && wanted.has(group);
  }
  if ('lifecycle' in c) {
    const wanted = new Set(
      c.lifecycle.map((stage) => LIFECYCLE_STAGES.indexOf(stage as (typeof LIFECYCLE_STAGES)[number])),
    );
    return (_g, stage) => wanted.has(stage);
  }
  const { score, op, value } = c;
  return (_g, _s, r, f, m, scored) => scored && cmp(score === 'r' ? r : score === 'f' ? f : m, op, value);
}

/** The condition as one test in JavaScript, when it reads nothing but RFM and lifecycle. */
function keepOf(c: Condition): Keep | undefined {
  if ('all' in c || 'any' in c) {
    const parts = ('all' in c ? c.all : c.any).map(keepOf);
    if (parts.some((p) => !p)) return undefined;
    const ps = parts as Keep[];
    return 'all' in c ? (...a) => ps.every((p) => p(...a)) : (...a) => ps.some((p) => p(...a));
  }
  if ('not' in c) {
    const inner = keepOf(c.not);
    return inner ? (...a) => !inner(...a) : undefined;
  }
  if ('rfm_group' in c || 'lifecycle' in c || ('score' in c && typeof c.score === 'string'))
    return segmentationKeep(c as SegmentationLeaf);
  return undefined;
}

/**
 * Which of the customers `only` (ascending) match, worked out in JavaScript from the segmentation
 * alone; undefined when the condition reads anything else (then compile it to SQL).
 */
export function matchingIds(
  c: Condition,
  segmentation: Segmentation,
  only: readonly number[],
): number[] | undefined {
  const keep = keepOf(c);
  if (!keep) return undefined;
  const s = segmentation;
  const ids: number[] = [];
  for (const id of only) {
    const i = positionOf(s.facts.ids, id);
    if (i < 0) continue;
    const j = scoredPosition(s, i);
    const ok =
      j < 0
        ? keep(-1, s.stages[i]!, 0, 0, 0, false)
        : keep(s.scores.group[j]!, s.stages[i]!, s.scores.r[j]!, s.scores.f[j]!, s.scores.m[j]!, true);
    if (ok) ids.push(id);
  }
  return ids;
}
