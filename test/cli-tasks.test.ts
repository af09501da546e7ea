import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { createSegment } from '../src/segments/segment-service.ts';
import { getTask } from '../src/tasks/task-read.ts';
import { ensureWorkspace } from '../src/workspaces/workspace-service.ts';
import { CliInProcess } from './cli-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-cli-tasks-'));
const cli = await CliInProcess.open();
afterAll(() => cli.close());

/** `retain -w shop ARGS`, run in this process on the file's store (test/cli-in-process.ts). */
const retain = (args: string[]) => cli.run(['-w', 'shop', ...args]);

/** The store the commands run on. */
const withStore = <T>(fn: (store: Database) => Promise<T>) => fn(cli.store);

// Customers, staff and the segment are seeded through the services; the task commands run as `retain`.
beforeAll(async () => {
  const seed = join(dir, 'customers.csv');
  writeFileSync(
    seed,
    'customer_id,name,phone,tags\nV1,甲,13800000001,vip\nV2,乙,13800000002,vip\nV3,丙,13800000003,vip\nV4,丁,13800000004,\n',
  );
  await withStore(async (store) => {
    const workspace = await ensureWorkspace(store.db, 'shop');
    await importFile(store, { kind: 'customers', file: seed, workspace });
    for (const email of ['a@shop.cn', 'b@shop.cn'])
      await createUser(store.db, workspace.id, cliActor(), {
        email,
        password: 'a long password',
        role: 'service',
      });
    await createSegment(store.db, workspace, 'vips', { tag: 'vip' }, { actor: cliActor(), store });
  });
});

describe('retain tasks', () => {
  it('creates, spreads over a role, lists and closes tasks from the shell', async () => {
    const due = '2020-01-01T10:00:00+08:00';
    const made = await retain([
      'tasks',
      'create',
      '--customer',
      'V4',
      '--kind',
      'callback',
      '--title',
      '回访',
      '--due',
      due,
      '--assign',
      'b@shop.cn',
      '--json',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const task = JSON.parse(made.stdout);
    expect(task).toMatchObject({ assignee_email: 'b@shop.cn', overdue: true, status: 'open' });
    expect(Date.parse(task.due_at)).toBe(Date.parse(due));

    const bulk = await retain([
      'tasks',
      'bulk',
      '--segment',
      'vips',
      '--kind',
      'vip_care',
      '--title',
      '关怀',
      '--due-in-hours',
      '48',
      '--role',
      'service',
      '--json',
    ]);
    expect(bulk.code, bulk.stderr).toBe(0);
    // b already holds one open task: a takes two of the three vips, b one, so both end with two.
    const users = await withStore((store) => store.db.selectFrom('users').select(['id', 'email']).execute());
    const idOf = Object.fromEntries(users.map((u) => [u.email, u.id]));
    const spread = Object.fromEntries(
      JSON.parse(bulk.stdout).by_assignee.map((r: { assignee_id: number; tasks: number }) => [
        r.assignee_id,
        r.tasks,
      ]),
    );
    expect(spread).toEqual({ [idOf['a@shop.cn']!]: 2, [idOf['b@shop.cn']!]: 1 });

    const listed = JSON.parse(
      (await retain(['tasks', 'list', '--assignee', 'b@shop.cn', '--overdue', '--json'])).stdout,
    );
    expect(listed.map((t: { id: number }) => t.id)).toEqual([task.id]);

    const wrong = await retain(['tasks', 'done', String(task.id), '--outcome', 'teleported']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr.split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/outcome: unknown outcome "teleported"/);
    const done = await retain([
      'tasks',
      'done',
      String(task.id),
      '--outcome',
      'reached',
      '--notes',
      '已联系',
    ]);
    expect(done.code, done.stderr).toBe(0);
    const shown = await withStore(async (store) => {
      const workspace = await ensureWorkspace(store.db, 'shop');
      return getTask(store.db, workspace.id, task.id);
    });
    expect(shown).toMatchObject({ status: 'done', outcome: 'reached', notes: '已联系', overdue: false });
    expect(shown.history.map((h) => [h.from_status, h.to_status, h.actor])).toEqual([
      [null, 'open', expect.stringMatching(/^cli:/)],
      ['open', 'done', expect.stringMatching(/^cli:/)],
    ]);
  });
});

describe('retain users set / remove and the store rule', () => {
  it('gives a member stores, assigns by store, and requeues their tasks when removed', async () => {
    const bad = await retain(['users', 'set', 'a@shop.cn', '--language', 'fr']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toBe('retain: --language fr: use zh-CN or en');
    expect((await retain(['users', 'set', 'nobody@shop.cn', '--stores', 'x'])).stderr).toMatch(/no member/);
    const set = await retain(['users', 'set', 'a@shop.cn', '--stores', '西湖店，滨江店', '--language', 'en']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout.trim()).toBe('a@shop.cn: stores 西湖店, 滨江店; language en');
    await withStore(async (store) => {
      const workspace = await ensureWorkspace(store.db, 'shop');
      await store.db
        .updateTable('customers')
        .set({ attributes: JSON.stringify({ store: '滨江店' }) as never })
        .where('workspace_id', '=', workspace.id)
        .where('external_id', '=', 'V3')
        .execute();
    });
    const made = await retain([
      'tasks',
      'create',
      '--customer',
      'V3',
      '--kind',
      'store_invite',
      '--title',
      '到店',
      '--assign',
      'store',
      '--json',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const task = JSON.parse(made.stdout);
    expect(task.assignee_email).toBe('a@shop.cn');
    const removed = await retain(['users', 'remove', 'a@shop.cn']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/a@shop\.cn removed from "shop"; \d+ open task\(s\) back in the queue/);
    await withStore(async (store) => {
      const workspace = await ensureWorkspace(store.db, 'shop');
      expect((await getTask(store.db, workspace.id, task.id)).assignee_id).toBeNull();
    });
  });
});
