import { type Kysely, sql } from 'kysely';
import { listUsers, type WorkspaceUser } from '../access/user-service.ts';
import { customerContacts } from '../customers/customer-contacts.ts';
import type { Schema } from '../db/schema.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings, type StaffChannel } from '../workspaces/index.ts';
import {
  claimNotice,
  MAX_NOTICE_ATTEMPTS,
  type Notice,
  StaffAdapters,
  sendNotice,
} from './task-notice-send.ts';
import { escalationText, hoursLate, type NoticeTask } from './task-notice-text.ts';

type Level = 'assignee' | 'admins';

/** What one escalation run did: messages sent and sends that failed (tried again later). */
export interface EscalationCounts {
  sent: number;
  failed: number;
}

/** Overdue tasks a run looks at per level; the rest wait for the next pass. */
const BATCH = 200;

/**
 * Open tasks past `cutoff` that still owe a level's escalation: none tried yet, or one whose
 * send failed with attempts left or whose sender vanished. The assignee level needs an assignee.
 */
async function owing(db: Kysely<Schema>, workspaceId: number, level: Level, cutoff: Date, now: Date) {
  const stale = new Date(now.getTime() - 10 * 60_000);
  const rows = await sql<NoticeTask & { assignee_id: number | null }>`
    select t.id, t.title, t.kind, t.status, t.customer_id, t.due_at, t.assignee_id from tasks t
    where t.workspace_id = ${workspaceId} and t.status in ('open', 'in_progress') and t.due_at <= ${cutoff}
      ${level === 'assignee' ? sql`and t.assignee_id is not null` : sql``}
      and (not exists (select 1 from task_notices n
              where n.workspace_id = t.workspace_id and n.task_id = t.id and n.level = ${level})
        or exists (select 1 from task_notices n
              where n.workspace_id = t.workspace_id and n.task_id = t.id and n.level = ${level}
                and ((n.status = 'failed' and n.attempts < ${MAX_NOTICE_ATTEMPTS})
                  or (n.status = 'sending' and n.claimed_at < ${stale}))))
    order by t.due_at, t.id limit ${BATCH}`.execute(db);
  return rows.rows.map((r) => ({
    ...r,
    id: Number(r.id),
    customer_id: Number(r.customer_id),
    due_at: new Date(r.due_at),
  }));
}

const label = (u: WorkspaceUser) => (u.name ? `${u.name} <${u.email}>` : u.email);

/**
 * The messages a task's escalation at a level owes: on email one per recipient (the assignee,
 * or each admin) in their language with the customer's name; on the WeCom robot and the webhook
 * one each, naming the customer by id only (a group chat or another system is not a member).
 */
function plan(
  ws: Workspace,
  task: NoticeTask & { assignee_id: number | null },
  level: Level,
  channels: readonly StaffChannel[],
  members: Map<number, WorkspaceUser>,
  admins: readonly WorkspaceUser[],
  now: Date,
): Notice[] {
  const assignee = task.assignee_id === null ? null : (members.get(task.assignee_id) ?? null);
  const recipients = level === 'assignee' ? (assignee ? [assignee] : []) : admins;
  const groupLang = level === 'assignee' ? (assignee?.language ?? 'zh-CN') : 'zh-CN';
  const base = { kind: 'escalation' as const, taskId: task.id, level };
  const notices: Notice[] = [];
  for (const channel of channels) {
    if (channel === 'email') {
      for (const r of recipients) {
        const text = escalationText(
          task,
          level,
          assignee && label(assignee),
          r.language ?? 'zh-CN',
          ws.timezone,
          now,
          true,
        );
        notices.push({
          ...base,
          key: `esc:${task.id}:${level}:email:${r.id}`,
          userId: r.id,
          channel,
          to: r.email,
          ...text,
          payload: {},
        });
      }
      continue;
    }
    if (level === 'assignee' && !assignee) continue;
    const text = escalationText(task, level, assignee && label(assignee), groupLang, ws.timezone, now, false);
    notices.push({
      ...base,
      key: `esc:${task.id}:${level}:${channel}`,
      userId: level === 'assignee' ? assignee!.id : null,
      channel,
      to: null,
      ...text,
      payload: {
        type: 'task_escalation',
        level,
        task: {
          id: task.id,
          kind: task.kind,
          title: task.title,
          status: task.status,
          customer_id: task.customer_id,
          due_at: task.due_at.toISOString(),
          hours_overdue: hoursLate(task, now),
        },
        assignee: assignee && { id: assignee.id, email: assignee.email, name: assignee.name },
        admins: level === 'admins' ? admins.map((a) => a.email) : undefined,
        subject: text.subject,
        body: text.body,
      },
    });
  }
  return notices;
}

/**
 * Escalates the workspace's overdue open tasks at `now` (settings `tasks.escalation`): the
 * assignee once a task is `assignee_after_minutes` past due, the admins `admins_after_hours`
 * later (a task in the queue too). Each message is claimed before it is sent, so it goes once per
 * task, level and recipient whatever retries or other workers do; each one sent adds a history
 * row to its task. A failed send is tried again on later passes, up to MAX_NOTICE_ATTEMPTS.
 */
export async function escalateOverdue(
  db: Kysely<Schema>,
  ws: Workspace,
  now: Date,
): Promise<EscalationCounts> {
  const counts: EscalationCounts = { sent: 0, failed: 0 };
  const settings = readSettings(ws.settings).tasks.escalation;
  if (!settings.enabled) return counts;
  const assigneeCutoff = new Date(now.getTime() - settings.assignee_after_minutes * 60_000);
  const cutoffs: Record<Level, Date> = {
    assignee: assigneeCutoff,
    admins: new Date(assigneeCutoff.getTime() - settings.admins_after_hours * 3_600_000),
  };
  const users = await listUsers(db, ws.id);
  const members = new Map(users.map((u) => [u.id, u]));
  const admins = users.filter((u) => u.role === 'admin');
  const adapters = new StaffAdapters(db, ws.id);
  try {
    for (const level of ['assignee', 'admins'] as const) {
      const tasks = await owing(db, ws.id, level, cutoffs[level], now);
      const names = await customerContacts(
        db,
        ws.id,
        tasks.map((t) => t.customer_id),
      );
      for (const task of tasks) {
        task.customer_name = names.get(task.customer_id)?.name ?? null;
        for (const notice of plan(ws, task, level, settings.channels, members, admins, now)) {
          if (!(await claimNotice(db, ws.id, notice, now))) continue;
          const sent = await sendNotice(db, ws.id, adapters, notice, now, (trx) =>
            trx
              .insertInto('task_history')
              .values({
                workspace_id: ws.id,
                task_id: task.id,
                at: now,
                actor: 'worker',
                from_status: task.status,
                to_status: task.status,
                outcome: null,
                assignee_id: task.assignee_id,
                event: `escalated_${level}`,
                note: notice.to ? `${notice.channel} → ${notice.to}` : notice.channel,
              })
              .execute()
              .then(() => undefined),
          );
          if (sent) counts.sent++;
          else counts.failed++;
        }
      }
    }
  } finally {
    await adapters.close();
  }
  return counts;
}
