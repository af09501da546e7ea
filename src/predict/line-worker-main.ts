/**
 * The worker thread of line-workers.ts: counts or scores one range of customers of lines held in
 * shared memory and sends the result back (its large arrays moved, not copied).
 */
import { parentPort } from 'node:worker_threads';
import { countAssociations } from './association-count.ts';
import type { LineTask } from './line-workers.ts';
import { SCORED_COLUMNS, scoreCustomers } from './recommend-score.ts';

parentPort?.on('message', (task: LineTask) => {
  try {
    if (task.kind === 'count') {
      const c = countAssociations(task.lines, task.rules, task.range, task.groups);
      const cells = (p: typeof c.together) => ({ dense: p.dense, sparse: p.sparse });
      const moved = [c.together.dense, c.after.dense].flatMap((d) => (d ? [d.buffer as ArrayBuffer] : []));
      parentPort!.postMessage(
        { id: task.id, counts: { ...c, together: cells(c.together), after: cells(c.after) } },
        moved,
      );
      return;
    }
    const s = scoreCustomers(task.lines, task.ix, task.rules, task.range, task.groups);
    const moved = SCORED_COLUMNS.map((column) => s[column].buffer as ArrayBuffer);
    parentPort!.postMessage({ id: task.id, scored: s }, moved);
  } catch (error) {
    parentPort!.postMessage({
      id: task.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
