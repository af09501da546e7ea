/**
 * Group commit for requests that each write a little: items that arrive while a group is being
 * written wait and are written together as the next group, so one lookup, one insert and one
 * commit serve many senders. The store (one connection on the embedded store) is never asked to
 * run two groups at once. A group that fails is retried item by item, so one bad item fails only
 * its own sender. A group's write is shared by its senders: `write` should run it as the work of
 * none of their requests (see `outsideRequestScope`), so one client leaving cancels no one's answer.
 *
 * @example
 * const queue = new GroupQueue((rows: Row[]) => insertAll(db, rows));
 * const stored = await queue.push(row); // written with whatever else arrived meanwhile
 */
export class GroupQueue<I, O> {
  private queue: { item: I; resolve: (out: O) => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  /** `write` takes a group and answers one output per item, in order. */
  constructor(private readonly write: (items: I[]) => Promise<O[]>) {}

  /** Queues an item; resolves with its output once its group is written. */
  push(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        // One turn of the event loop first: on the embedded store a write runs to its end without
        // letting the loop read sockets, so requests already arrived are let in to join the group.
        await new Promise((resolve) => setImmediate(resolve));
        const group = this.queue.splice(0);
        try {
          const outputs = await this.write(group.map((p) => p.item));
          for (const [i, p] of group.entries()) p.resolve(outputs[i] as O);
        } catch (error) {
          if (group.length === 1) group[0]!.reject(error);
          else
            for (const p of group) await this.write([p.item]).then(([out]) => p.resolve(out as O), p.reject);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
