import type { Kysely } from 'kysely';
import { listUsers } from '../access/user-service.ts';
import { customerContacts } from '../customers/customer-contacts.ts';
import type { Schema } from '../db/schema.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import { OPEN_STATUSES } from './task-model.ts';
import { claimNotice, type Notice, StaffAdapters, sendNotice } from './task-notice-send.ts';
import { digestText, type NoticeTask } from './task-notice-text.ts';

/** A digest lists at most this many tasks; the count in its first line is of them all. */
export const DIGEST_MAX_LINES = 100;

/** The local hour (0–23) of an instant in a time zone. */
export function localHour(timeZone: string, now: Date): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(now),
  );
}

/**
 * Each member's open and in-progress tasks, overdue first then by due time (the due order puts
 * every overdue task first), as digests list them.
 */
export async function openTasksByAssignee(
  db: Kysely<Schema>,
  workspaceId: number,
): Promise<Map<number, NoticeTask[]>> {
  const rows = await db
    .selectFrom('tasks')
    .select(['id', 'title', 'kind', 'status', 'customer_id', 'due_at', 'assignee_id'])
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', OPEN_STATUSES)
    .where('assignee_id', 'is not', null)
    .orderBy('due_at')
    .orderBy('id')
    .execute();
  const names = await customerContacts(
    db,
    workspaceId,
    rows.map((r) => r.customer_id),
  );
  const byUser = new Map<number, NoticeTask[]>();
  for (const { assignee_id, ...r } of rows) {
    const list = byUser.get(assignee_id!) ?? [];
    list.push({ ...r, customer_name: names.get(r.customer_id)?.name ?? null });
    byUser.set(assignee_id!, list);
  }
  return byUser;
}

/**
 * Sends the day's digest (settings `tasks.digest`) to every member with open tasks, on each
 * channel, in their language: once per member, local date and channel (claimed before sending).
 * Returns the counts; with `failed` above 0 the daily run is not recorded, so a later pass tries
 * the failed ones again and skips those sent.
 */
export async function sendDigests(
  db: Kysely<Schema>,
  ws: Workspace,
  today: string,
  now: Date,
): Promise<{ members: number; sent: number; failed: number }> {
  const settings = readSettings(ws.settings).tasks.digest;
  const counts = { members: 0, sent: 0, failed: 0 };
  const byUser = await openTasksByAssignee(db, ws.id);
  const adapters = new StaffAdapters(db, ws.id);
  try {
    for (const user of await listUsers(db, ws.id)) {
      const tasks = byUser.get(user.id);
      if (!tasks?.length) continue;
      counts.members++;
      const lang = user.language ?? 'zh-CN';
      const shown = tasks.slice(0, DIGEST_MAX_LINES);
      for (const channel of settings.channels) {
        const withName = channel === 'email';
        const text = digestText(tasks, lang, ws.timezone, today, now, withName, DIGEST_MAX_LINES);
        const notice: Notice = {
          key: `digest:${today}:${user.id}:${channel}`,
          kind: 'digest',
          taskId: null,
          level: null,
          userId: user.id,
          channel,
          to: channel === 'email' ? user.email : null,
          ...text,
          payload: {
            type: 'task_digest',
            date: today,
            user: { id: user.id, email: user.email, name: user.name },
            tasks: shown.map((t) => ({
              id: t.id,
              kind: t.kind,
              title: t.title,
              status: t.status,
              customer_id: t.customer_id,
              due_at: t.due_at.toISOString(),
              overdue: t.due_at.getTime() < now.getTime(),
            })),
            total: tasks.length,
          },
        };
        if (!(await claimNotice(db, ws.id, notice, now))) continue;
        if (await sendNotice(db, ws.id, adapters, notice, now)) counts.sent++;
        else counts.failed++;
      }
    }
  } finally {
    await adapters.close();
  }
  return counts;
}
