import { CopyBinaryWriter } from '../db/copy-binary-writer.ts';
import type { PredictionColumns } from './predict-model.ts';

/** The columns of the temporary table a refresh's scores are loaded into, in COPY order. */
export const LOAD_COLUMNS = ['customer_id', 'p_alive', 'e30', 'e90', 'e365', 'spend', 'clv', 'next_order'];

/** The scores as one binary COPY stream of LOAD_COLUMNS (about 90 bytes a customer). */
export function predictionCopy(c: PredictionColumns): Uint8Array {
  const out = new CopyBinaryWriter(c.length * 96 + 64);
  for (let i = 0; i < c.length; i++) {
    out.row(LOAD_COLUMNS.length);
    out.int8(c.customerId[i]!);
    out.float8(c.pAlive[i]!);
    out.float8(c.expected30[i]!);
    out.float8(c.expected90[i]!);
    out.float8(c.expected365[i]!);
    out.int8(c.expectedSpend[i]!);
    out.int8(c.predictedClv[i]!);
    out.date(c.nextOrderDay[i]!);
  }
  return out.bytes();
}
