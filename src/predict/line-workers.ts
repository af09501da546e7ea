/**
 * Counting associations and scoring recommendations for everyone on two cores: a worker thread
 * takes the first half of the customers while this thread takes the second, over lines held in
 * shared memory (item-lines-query.ts), and the halves are added (counts) or joined (lists). The
 * results are those of one pass over everyone: counts are sums, lists are per customer.
 */
import { availableParallelism } from 'node:os';
import {
  type AssociationCounts,
  addCounts,
  type CustomerGroups,
  countAssociations,
  type GroupRange,
  groupByCustomer,
  PairCounter,
} from './association-count.ts';
import type { ItemLines } from './item-lines-query.ts';
import {
  type AssociationIndex,
  concatScored,
  type ScoredColumns,
  type ScoreRules,
  scoreCustomers,
} from './recommend-score.ts';
import { type TaskReply, TaskThread } from './task-thread.ts';

/** Fewer lines than this are counted and scored on one thread: a second would not pay for itself. */
export const PARALLEL_MIN_LINES = 500_000;

/** The rules of a count (see countAssociations). */
type CountRules = { maxBasket: number; maxBuyer: number };

/** The work of a task: a range of customers of the lines, to count or to score. */
type LineWork = { lines: ItemLines; groups: CustomerGroups; range: GroupRange } & (
  | { kind: 'count'; rules: CountRules }
  | { kind: 'score'; rules: ScoreRules; ix: AssociationIndex }
);

/** A task sent to the worker thread. */
export type LineTask = LineWork & { id: number };

/** What the worker thread sends back. */
type LineReply = TaskReply & {
  counts?: Omit<AssociationCounts, 'together' | 'after'> & Record<'together' | 'after', PairCells>;
  scored?: ScoredColumns;
};
type PairCells = { dense: Int32Array | null; sparse: Map<number, number> };

/**
 * A second thread for one refresh's counting and scoring, or none (one core, or `minLines` not
 * reached: then everything runs here); {@link close} it when done.
 *
 * @example
 * const workers = LineWorkers.start();
 * try { counts = await workers.count(lines, rules); } finally { await workers.close(); }
 */
export class LineWorkers {
  private stopped = false;
  private readonly thread = new TaskThread<LineWork, LineReply>(
    new URL('./line-worker-main.ts', import.meta.url),
    'recommendation worker thread',
  );

  private constructor(
    private readonly parallel: boolean,
    private readonly minLines: number,
  ) {}

  /**
   * Two threads when the machine has a second core; the worker thread starts with the first
   * piece of work large enough (at least `minLines` lines: tests set it lower).
   */
  static start(minLines = PARALLEL_MIN_LINES): LineWorkers {
    return new LineWorkers(availableParallelism() > 1, minLines);
  }

  /** Whether the worker thread has been started (some work was split). */
  get threaded(): boolean {
    return this.thread.started;
  }

  /** countAssociations over everyone, half of them on the worker thread. */
  async count(lines: ItemLines, rules: CountRules): Promise<AssociationCounts> {
    const split = this.split(lines);
    if (!split) return countAssociations(lines, rules);
    const theirs = this.thread.send({
      kind: 'count',
      lines,
      groups: split.groups,
      range: split.first,
      rules,
    });
    const mine = countAssociations(lines, rules, split.second, split.groups);
    const c = (await theirs).counts!;
    const size = lines.items.length;
    const counts = {
      ...c,
      together: new PairCounter(size, c.together),
      after: new PairCounter(size, c.after),
    };
    return addCounts(counts, mine);
  }

  /** scoreCustomers over everyone, half of them on the worker thread. */
  async score(lines: ItemLines, ix: AssociationIndex, rules: ScoreRules): Promise<ScoredColumns> {
    const split = this.split(lines);
    if (!split) return scoreCustomers(lines, ix, rules);
    const theirs = this.thread.send({
      kind: 'score',
      lines,
      groups: split.groups,
      range: split.first,
      rules,
      ix,
    });
    const mine = scoreCustomers(lines, ix, rules, split.second, split.groups);
    return concatScored([(await theirs).scored!, mine]);
  }

  /** Stops the worker thread. */
  async close(): Promise<void> {
    this.stopped = true;
    await this.thread.close();
  }

  /** The customers in two ranges of about equal lines, or null to run on this thread alone. */
  private split(lines: ItemLines) {
    if (!this.parallel || this.stopped || lines.n < this.minLines) return null;
    const groups = groupByCustomer(lines);
    const { starts } = groups;
    const count = starts.length - 1;
    let middle = 0;
    while (middle < count && starts[middle]! < lines.n / 2) middle++;
    return { groups, first: { from: 0, to: middle }, second: { from: middle, to: count } };
  }
}
