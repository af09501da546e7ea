/**
 * Scoring a refresh's customers on a second thread, in chunks, while this thread loads the chunks
 * already scored into the store: the embedded store runs on this thread, so scoring here would
 * leave it idle meanwhile (at a million customers scoring and encoding take about a second).
 * Each chunk comes back as a binary COPY stream (prediction-copy.ts), the same bytes this thread
 * would have made.
 */
import type { CountModelName } from './count-model.ts';
import type { ClvTerms, ScoringFit } from './predict-model.ts';
import type { PurchaseSummaries } from './purchase-summary.ts';
import { type TaskReply, TaskThread } from './task-thread.ts';

/** Fewer customers than this are scored on this thread: a second would not pay for itself. */
export const THREAD_MIN_CUSTOMERS = 200_000;

/** Chunks a refresh is scored in: the first is waited for, the rest overlap the loading. */
const CHUNKS = 8;

/** The fit as it crosses to the thread: numbers only (the thread rebuilds the model from them). */
export interface FitNumbers {
  model: CountModelName;
  params: Record<string, number>;
  logLikelihood: number;
  unit: ScoringFit['unit'];
  spend: ScoringFit['spend'];
}

/** The summaries' per-customer arrays, in memory both threads read. */
export type SharedSummaries = Omit<PurchaseSummaries, 'lastPurchaseDate'>;

/** A chunk to score: customers [from, to) of the summaries. */
export interface ScoreTask {
  summaries: SharedSummaries;
  from: number;
  to: number;
  fit: FitNumbers;
  terms: ClvTerms;
}

/** The chunk's scores as a binary COPY stream. */
export type ScoreReply = TaskReply & { copy?: Uint8Array };

/** A copy of a typed array in shared memory. */
function shared<T extends Float64Array | Int32Array>(a: T): T {
  const Kind = a.constructor as new (buffer: SharedArrayBuffer) => T;
  const out = new Kind(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/**
 * A thread for one refresh's scoring; {@link start} it early (it loads its modules meanwhile),
 * {@link close} it when done.
 *
 * @example
 * const thread = new PredictionThread();
 * thread.start();
 * try { const copies = thread.score(summaries, fit, terms); … } finally { await thread.close(); }
 */
export class PredictionThread {
  private readonly thread = new TaskThread<ScoreTask, ScoreReply>(
    new URL('./prediction-worker-main.ts', import.meta.url),
    'prediction scoring thread',
  );

  /** Starts the thread now. */
  start(): void {
    this.thread.start();
  }

  /**
   * Sends every chunk at once (the thread works through them in order); yields each chunk's COPY
   * bytes in customer order as it is ready.
   */
  async *score(s: PurchaseSummaries, fit: ScoringFit, terms: ClvTerms): AsyncIterable<Uint8Array> {
    const summaries: SharedSummaries = {
      customerId: shared(s.customerId),
      firstDay: shared(s.firstDay),
      lastDay: shared(s.lastDay),
      days: shared(s.days),
      repeatNet: shared(s.repeatNet),
      holdoutDays: shared(s.holdoutDays),
      endDay: s.endDay,
    };
    const numbers: FitNumbers = {
      model: fit.model.name,
      params: { ...fit.model.params },
      logLikelihood: fit.model.logLikelihood,
      unit: fit.unit,
      spend: fit.spend,
    };
    const n = s.customerId.length;
    const size = Math.ceil(n / CHUNKS) || 1;
    const replies: Promise<ScoreReply>[] = [];
    for (let from = 0; from < n; from += size)
      replies.push(this.thread.send({ summaries, from, to: Math.min(n, from + size), fit: numbers, terms }));
    for (const reply of replies) yield (await reply).copy!;
  }

  /** Stops the thread. */
  async close(): Promise<void> {
    await this.thread.close();
  }
}
