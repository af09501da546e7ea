import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** What an entry's firing adds to a task title's variables. */
export interface TriggerVariables {
  /** The properties of the event that fired the entry ({} when no event did). */
  event: Record<string, unknown>;
  /**
   * The product the event is about: its `product_name`, else the catalogue's name of its `sku`,
   * else the `sku` itself; null when the event names none.
   */
  product: string | null;
}

/**
 * The variables of what fired a journey entry, so a task can say what the customer did online
 * (`到店邀约：{{ name }} 看了 {{ product }}`): read from the entry's occurrence (`event:ID`).
 */
export async function triggerVariables(
  db: Kysely<Schema>,
  workspaceId: number,
  entryId: number,
): Promise<TriggerVariables> {
  const result = await sql<{ properties: Record<string, unknown>; catalogue_name: string | null }>`
    select e.properties, p.name as catalogue_name
    from journey_entries je
    join events e on e.workspace_id = je.workspace_id and je.occurrence = 'event:' || e.id
    left join products p on p.workspace_id = e.workspace_id and p.sku = e.properties->>'sku'
    where je.workspace_id = ${workspaceId} and je.id = ${entryId} and je.occurrence like 'event:%'`.execute(
    db,
  );
  const row = result.rows[0];
  if (!row) return { event: {}, product: null };
  const text = (v: unknown) =>
    typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null;
  const props = row.properties;
  return {
    event: props,
    product: text(props.product_name) ?? text(props.product) ?? row.catalogue_name ?? text(props.sku),
  };
}
