/**
 * The thread of prediction-thread.ts: scores one chunk of customers with the fit it is sent and
 * answers with the chunk's binary COPY stream (moved, not copied).
 */
import { parentPort } from 'node:worker_threads';
import { countModel } from './count-model.ts';
import { scoreCustomers } from './predict-model.ts';
import { predictionCopy } from './prediction-copy.ts';
import type { ScoreTask } from './prediction-thread.ts';

parentPort?.on('message', (task: ScoreTask & { id: number }) => {
  try {
    const { summaries: s, from, to, fit } = task;
    const chunk = {
      customerId: s.customerId.subarray(from, to),
      firstDay: s.firstDay.subarray(from, to),
      lastDay: s.lastDay.subarray(from, to),
      days: s.days.subarray(from, to),
      repeatNet: s.repeatNet.subarray(from, to),
      holdoutDays: s.holdoutDays.subarray(from, to),
      endDay: s.endDay,
      lastPurchaseDate: null,
    };
    const model = countModel(fit.model, fit.params, fit.logLikelihood);
    const scores = scoreCustomers(chunk, { model, unit: fit.unit, spend: fit.spend }, task.terms);
    const copy = predictionCopy(scores);
    parentPort!.postMessage({ id: task.id, copy }, [copy.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({
      id: task.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
