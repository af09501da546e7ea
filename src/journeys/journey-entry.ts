import { createHash } from 'node:crypto';
import type { RawBuilder, Selectable } from 'kysely';
import type { JourneyEntriesTable } from '../db/schema.ts';
import type { QueuedMessage } from '../messaging/index.ts';

/**
 * An entry as the runner holds it: the stored row's columns it reads (typed from the schema, so a
 * renamed column reaches here) and three facts of its customer.
 */
export interface Entry
  extends Pick<
    Selectable<JourneyEntriesTable>,
    | 'id'
    | 'journey_id'
    | 'customer_id'
    | 'entered_at'
    | 'state'
    | 'step'
    | 'wake_at'
    | 'wait_since'
    | 'arm'
    | 'holdout'
    | 'vars'
    | 'exit_reason'
    | 'version'
  > {
  /** The customer's own time zone, if known. */
  zone: string | null;
  external_id: string | null;
  /** The customer was erased: the entry leaves. */
  erased: boolean;
}

/** Everything one transaction of entries writes besides the entries themselves. */
export class Batch {
  steps: { entry: Entry; step: string; outcome: string }[] = [];
  messages: QueuedMessage[] = [];
  conditions = new Map<string, Promise<RawBuilder<boolean>>>();
}

/** A share in [0, 100) fixed by the journey, the customer and the step: the same draw every time. */
export function draw(journeyId: number, customerId: number, step: string): number {
  const h = createHash('sha256').update(`${journeyId}:${customerId}:${step}`).digest();
  return (h.readUInt32BE(0) / 2 ** 32) * 100;
}

/** The arm a draw in [0, 100) falls in, the arms sharing the range by weight. */
export function pickArm<A extends { weight: number }>(arms: readonly A[], share: number): A {
  const total = arms.reduce((s, a) => s + a.weight, 0);
  let left = (share / 100) * total;
  for (const arm of arms) {
    left -= arm.weight;
    if (left < 0) return arm;
  }
  return arms[arms.length - 1]!;
}
