import { sql } from 'kysely';
import { LIFECYCLE_STAGES } from './lifecycle-stage.ts';
import { RFM_GROUPS } from './rfm-groups.ts';

/**
 * A customer's lifecycle stage and RFM group as one small integer, so a million recorded states
 * travel as 2 bytes each and compare as numbers: stage index × 64 + (group index + 1), group 0
 * meaning none. A recorded value this code does not know becomes {@link UNKNOWN}, which matches no
 * computed state, so such a customer is always compared again in SQL.
 */
const GROUP_SLOTS = 64;
export const UNKNOWN = 63;

/** The code of stage index `stage` (into LIFECYCLE_STAGES) and group index `group` (-1: none). */
export function stateCode(stage: number, group: number): number {
  return stage * GROUP_SLOTS + group + 1;
}

/** The stage index of a code. */
export const stageOf = (code: number): number => Math.floor(code / GROUP_SLOTS);

/** The group index of a code, -1 for none. */
export const groupOf = (code: number): number => (code % GROUP_SLOTS) - 1;

const STAGE_CODES = LIFECYCLE_STAGES.map((s) => s as string);
const GROUP_CODES = RFM_GROUPS.map((g) => g.code as string);

/** SQL turning customer_states' `lifecycle` and `rfm_group` (of alias `alias`) into the code. */
export function stateCodeSql(alias: string) {
  const lifecycle = sql.ref(`${alias}.lifecycle`);
  const group = sql.ref(`${alias}.rfm_group`);
  const stages = sql.join(
    STAGE_CODES.map((c, i) => sql`when ${sql.lit(c)} then ${sql.lit(i)}`),
    sql` `,
  );
  const groups = sql.join(
    GROUP_CODES.map((c, i) => sql`when ${sql.lit(c)} then ${sql.lit(i + 1)}`),
    sql` `,
  );
  return sql`((case ${lifecycle} ${stages} else ${sql.lit(UNKNOWN)} end) * ${sql.lit(GROUP_SLOTS)}
    + (case when ${group} is null then 0 else (case ${group} ${groups} else ${sql.lit(UNKNOWN)} end) end))::int2`;
}

/** SQL arrays that map a code's stage index + 1 and group index + 1 back to the stored text. */
export const stageNamesSql = sql`${sql.lit(`{${STAGE_CODES.join(',')}}`)}::text[]`;
export const groupNamesSql = sql`${sql.lit(`{${GROUP_CODES.join(',')}}`)}::text[]`;
