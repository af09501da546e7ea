import { createHash } from 'node:crypto';
import type { RawBuilder } from 'kysely';
import type { QueuedMessage } from '../messaging/send-message.ts';

/** An entry as the runner holds it. */
export interface Entry {
  id: number;
  journey_id: number;
  customer_id: number;
  entered_at: Date;
  state: 'active' | 'waiting' | 'completed' | 'exited';
  step: string | null;
  wake_at: Date | null;
  wait_since: Date | null;
  arm: string | null;
  holdout: boolean;
  vars: Record<string, unknown>;
  exit_reason: string | null;
  zone: string | null;
  external_id: string | null;
  erased: boolean;
  /** The journey version the entry entered on: its steps are that version's. */
  version: number;
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
