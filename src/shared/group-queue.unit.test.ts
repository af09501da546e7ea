import { describe, expect, it } from 'vitest';
import { GroupQueue } from './group-queue.ts';

describe('GroupQueue', () => {
  it('writes what arrives during a write as one next group, answering each in order', async () => {
    const groups: number[][] = [];
    const queue = new GroupQueue(async (items: number[]) => {
      groups.push(items);
      await new Promise((r) => setTimeout(r, 10));
      return items.map((n) => n * 10);
    });
    const first = queue.push(1);
    await new Promise((r) => setTimeout(r, 2)); // the first group is being written now
    const rest = [2, 3, 4, 5].map((n) => queue.push(n));
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
    expect(groups).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('fails only the item that fails when its group is retried one by one', async () => {
    const queue = new GroupQueue(async (items: number[]) => {
      if (items.includes(3)) throw new Error('three is refused');
      return items.map((n) => -n);
    });
    const blocker = queue.push(0);
    const results = await Promise.allSettled([2, 3, 4].map((n) => queue.push(n)));
    await blocker;
    expect(results).toEqual([
      { status: 'fulfilled', value: -2 },
      { status: 'rejected', reason: new Error('three is refused') },
      { status: 'fulfilled', value: -4 },
    ]);
  });
});
