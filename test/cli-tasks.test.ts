import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../bin/retain.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-tasks-'));

function retain(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, '-w', 'shop', ...args], {
    encoding: 'utf8',
    env: { ...process.env, RETAIN_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

describe('retain tasks', () => {
  it('creates, lists, spreads over a role and closes tasks from the shell', () => {
    const seed = join(dir, 'customers.csv');
    writeFileSync(
      seed,
      'customer_id,name,phone,tags\nV1,甲,13800000001,vip\nV2,乙,13800000002,vip\nV3,丙,13800000003,vip\nV4,丁,13800000004,\n',
    );
    expect(retain(['import', 'customers', seed]).code).toBe(0);
    for (const email of ['a@shop.cn', 'b@shop.cn'])
      expect(
        retain(['users', 'create', '--email', email, '--role', 'service', '--password', 'a long password'])
          .code,
      ).toBe(0);
    const due = '2020-01-01T10:00:00+08:00';
    const made = retain([
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

    expect(retain(['segments', 'create', 'vips', '--where', '{"tag":"vip"}']).code).toBe(0);
    const bulk = retain([
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
    // b already holds one open task: a takes two of the three, b one, so both end with two.
    const spread = Object.fromEntries(
      JSON.parse(bulk.stdout).by_assignee.map((r: { assignee_id: number; tasks: number }) => [
        r.assignee_id,
        r.tasks,
      ]),
    );
    expect(Object.values(spread).sort()).toEqual([1, 2]);
    const listed = JSON.parse(
      retain(['tasks', 'list', '--assignee', 'b@shop.cn', '--overdue', '--json']).stdout,
    );
    expect(listed.map((t: { id: number }) => t.id)).toEqual([task.id]);
    const wrong = retain(['tasks', 'done', String(task.id), '--outcome', 'teleported']);
    expect(wrong.stderr.split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/outcome: unknown outcome "teleported"/);
    expect(retain(['tasks', 'done', String(task.id), '--outcome', 'reached', '--notes', '已联系']).code).toBe(
      0,
    );
    const shown = JSON.parse(retain(['tasks', 'show', String(task.id), '--json']).stdout);
    expect(shown).toMatchObject({ status: 'done', outcome: 'reached', notes: '已联系', overdue: false });
    expect(shown.history.map((h: { to_status: string }) => h.to_status)).toEqual(['open', 'done']);
  });
});
