/**
 * Counting associations and scoring recommendations for everyone on two cores: a worker thread
 * takes the first half of the customers while this thread takes the second, over lines held in
 * shared memory (item-lines-query.ts), and the halves are added (counts) or joined (lists). The
 * results are those of one pass over everyone: counts are sums, lists are per customer.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
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

/** Fewer lines than this are counted and scored on one thread: a second would not pay for itself. */
export const PARALLEL_MIN_LINES = 500_000;

/** tsx's ESM API module (its `require` entry cannot be imported from a worker), as a URL. */
function tsxApi(): string {
  const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return pathToFileURL(join(tsx, 'dist/esm/api/index.mjs')).href;
}

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
type LineReply = {
  id: number;
  error?: string;
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
  private worker: Worker | null = null;
  private stopped = false;
  private started = false;
  private next = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (r: LineReply) => void; reject: (e: Error) => void }
  >();

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
    return this.started;
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const url = new URL('./line-worker-main.ts', import.meta.url);
    // From source (development, tests) the thread first registers tsx to compile TypeScript, as
    // this process does (a worker's `--import tsx` does not take in Node 20).
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(tsxApi())})
            .then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
          { eval: true },
        )
      : new Worker(url);
    worker.on('message', (reply: LineReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.error) waiter?.reject(new Error(`recommendation worker thread: ${reply.error}`));
      else waiter?.resolve(reply);
    });
    const fail = (error: Error) => {
      // A thread that has died takes no more work: the next piece starts another.
      if (this.worker === worker) this.worker = null;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`recommendation worker thread exited (${code})`)));
    worker.unref();
    this.worker = worker;
    this.started = true;
    return worker;
  }

  /** countAssociations over everyone, half of them on the worker thread. */
  async count(lines: ItemLines, rules: CountRules): Promise<AssociationCounts> {
    const split = this.split(lines);
    if (!split) return countAssociations(lines, rules);
    const theirs = this.send({ kind: 'count', lines, groups: split.groups, range: split.first, rules });
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
    const theirs = this.send({ kind: 'score', lines, groups: split.groups, range: split.first, rules, ix });
    const mine = scoreCustomers(lines, ix, rules, split.second, split.groups);
    return concatScored([(await theirs).scored!, mine]);
  }

  /** Stops the worker thread. */
  async close(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
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

  private send(task: LineWork): Promise<LineReply> {
    const id = this.next++;
    const worker = this.thread();
    // Held while it works: a process with nothing else to wait for would otherwise end meanwhile.
    worker.ref();
    const reply = new Promise<LineReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...task, id });
    });
    // Awaited after this thread's own half: marked handled so that half failing first leaves no
    // stray rejection behind.
    reply.catch(() => {});
    return reply;
  }
}
