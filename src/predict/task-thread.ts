/**
 * One worker thread that runs a script's tasks: each task sent gets one reply (matched by id), the
 * thread starts on first use, and it is held only while it owes a reply, so an idle thread never
 * keeps the process alive. A thread that dies fails what it owed; the next task starts another.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Transferable, Worker } from 'node:worker_threads';

/** What every reply carries: the task's id, and the error's text when the task failed. */
export interface TaskReply {
  id: number;
  error?: string;
}

/** tsx's ESM API module (its `require` entry cannot be imported from a worker), as a URL. */
function tsxApi(): string {
  const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return pathToFileURL(join(tsx, 'dist/esm/api/index.mjs')).href;
}

/**
 * A worker thread for `script` (a module that answers each message with a {@link TaskReply});
 * `name` says whose thread it is in errors.
 *
 * @example
 * const thread = new TaskThread<MyTask, MyReply>(new URL('./my-worker-main.ts', import.meta.url), 'scoring thread');
 * try { const reply = await thread.send(task); } finally { await thread.close(); }
 */
export class TaskThread<Task extends object, Reply extends TaskReply> {
  private worker: Worker | null = null;
  private next = 0;
  private everStarted = false;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly script: URL,
    private readonly name: string,
  ) {}

  /** Whether a thread has been started (some task was sent). */
  get started(): boolean {
    return this.everStarted;
  }

  /**
   * Sends a task (its `transfer` buffers moved, not copied); resolves with the thread's reply, or
   * rejects with its error. The promise is marked handled: a caller that awaits it later, after
   * work of its own failed first, leaves no stray rejection behind.
   */
  send(task: Task, transfer: Transferable[] = []): Promise<Reply> {
    const id = this.next++;
    const worker = this.thread();
    // Held while it works: a process with nothing else to wait for would otherwise end meanwhile.
    worker.ref();
    const reply = new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...task, id }, transfer);
    });
    reply.catch(() => {});
    return reply;
  }

  /** Stops the thread; replies still owed are dropped. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.waiting.clear();
    await worker?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    // From source (development, tests) the thread first registers tsx to compile TypeScript, as
    // this process does (a worker's `--import tsx` does not take in Node 20).
    const worker = this.script.pathname.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(tsxApi())})
            .then((tsx) => { tsx.register(); return import(${JSON.stringify(this.script.href)}); })`,
          { eval: true },
        )
      : new Worker(this.script);
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.error) waiter?.reject(new Error(`${this.name}: ${reply.error}`));
      else waiter?.resolve(reply);
    });
    const fail = (error: Error) => {
      // A thread that has died takes no more work: the next task starts another.
      if (this.worker === worker) this.worker = null;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${this.name} exited (${code})`)));
    worker.unref();
    this.worker = worker;
    this.everStarted = true;
    return worker;
  }
}
