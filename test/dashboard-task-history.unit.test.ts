import { describe, expect, it } from 'vitest';
import { en } from '../web/src/i18n/messages-en.ts';
import { type MessageKey, zhCN } from '../web/src/i18n/messages-zh-cn.ts';
import { historySentence } from '../web/src/pages/tasks/task-history-text.ts';

type Change = Parameters<typeof historySentence>[0];

/** The dashboard's `t` and `value` over one language's table, as the i18n provider builds them. */
function words(table: Record<string, string>) {
  const t = (key: MessageKey, vars?: Record<string, string | number>) =>
    table[key]!.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars?.[name] ?? whole));
  const value = (kind: string, code: string | null | undefined) =>
    code ? (table[`${kind}.${code}`] ?? code) : '—';
  return { t, value };
}

const change = (c: Partial<Change>): Change => ({
  at: '2026-03-01T02:00:00.000Z',
  actor: 'admin@shop.test',
  from_status: 'open',
  to_status: 'open',
  outcome: null,
  assignee_id: 7,
  assignee_email: 'agent@shop.test',
  event: null,
  note: null,
  ...c,
});

// Every kind of history row, with who made it, as the sentence the profile and tasks page show.
const CASES: [Partial<Change>, string, string][] = [
  [
    { from_status: null, actor: 'journey' },
    '自动化旅程 创建了任务，交给 agent@shop.test',
    'A journey created the task for agent@shop.test',
  ],
  [
    { from_status: null, actor: 'survey', assignee_id: null, assignee_email: null },
    '问卷规则 创建了任务，放入待分配',
    'A survey rule created the task in the queue',
  ],
  [
    { from_status: null, actor: 'cli:ops' },
    '命令行用户 ops 创建了任务，交给 agent@shop.test',
    'Command line user ops created the task for agent@shop.test',
  ],
  [
    { to_status: 'in_progress' },
    'admin@shop.test 将任务从「待处理」改为「处理中」',
    'admin@shop.test changed the task from “Open” to “In progress”',
  ],
  [
    { to_status: 'done', outcome: 'wrong_number' },
    'admin@shop.test 完成了任务，结果：号码错误',
    'admin@shop.test completed the task: Wrong number',
  ],
  [{ to_status: 'done' }, 'admin@shop.test 完成了任务', 'admin@shop.test completed the task'],
  [{ to_status: 'cancelled' }, 'admin@shop.test 取消了任务', 'admin@shop.test cancelled the task'],
  [
    {},
    'admin@shop.test 将任务转派给 agent@shop.test',
    'admin@shop.test reassigned the task to agent@shop.test',
  ],
  [
    { assignee_id: 9, assignee_email: null },
    'admin@shop.test 将任务转派给 #9',
    'admin@shop.test reassigned the task to #9',
  ],
  [
    { assignee_id: null, assignee_email: null },
    'admin@shop.test 将任务退回待分配',
    'admin@shop.test put the task back in the queue',
  ],
  [
    { actor: 'worker', event: 'escalated_assignee', note: 'email → agent@shop.test' },
    '任务已逾期，系统提醒了负责人',
    'The task was overdue; the system reminded the assignee',
  ],
  [
    { actor: 'worker', event: 'escalated_admins' },
    '任务仍未完成，系统通知了管理员',
    'The task was still not done; the system told the admins',
  ],
  [
    { event: 'requeued', assignee_id: null, assignee_email: null, note: 'user 7 left the workspace' },
    '负责人已离开工作区，任务退回待分配',
    'The assignee left the workspace; the task went back to the queue',
  ],
];

describe('a task’s history in words', () => {
  it.each(CASES)('%j', (c, zh, english) => {
    const zhWords = words(zhCN);
    expect(historySentence(change(c), zhWords, (o) => zhWords.value('task_outcome', o))).toBe(zh);
    const enWords = words(en);
    expect(historySentence(change(c), enWords, (o) => enWords.value('task_outcome', o))).toBe(english);
  });

  it('names a workspace’s own outcome with its words', () => {
    const zhWords = words(zhCN);
    const own = (o: string) => (o === 'sent_sample' ? '已寄样品' : zhWords.value('task_outcome', o));
    expect(historySentence(change({ to_status: 'done', outcome: 'sent_sample' }), zhWords, own)).toBe(
      'admin@shop.test 完成了任务，结果：已寄样品',
    );
  });
});
