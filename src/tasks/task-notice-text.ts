import type { TASK_KINDS } from './task-codes.ts';

/** The languages of staff messages. */
export type StaffLanguage = 'zh-CN' | 'en';

/** A task as staff messages describe it. */
export interface NoticeTask {
  id: number;
  title: string;
  kind: string;
  status: string;
  customer_id: number;
  customer_name: string | null;
  due_at: Date;
}

const KIND_NAMES: Record<StaffLanguage, Record<(typeof TASK_KINDS)[number], string>> = {
  'zh-CN': {
    callback: '回访',
    vip_care: '专属关怀',
    winback_call: '挽回',
    complaint: '投诉处理',
    store_invite: '到店邀约',
  },
  en: {
    callback: 'call-back',
    vip_care: 'VIP care',
    winback_call: 'win-back call',
    complaint: 'complaint',
    store_invite: 'store invitation',
  },
};

/** A kind's name; a workspace's own kinds keep their code. */
function kindName(kind: string, lang: StaffLanguage): string {
  return (KIND_NAMES[lang] as Record<string, string>)[kind] ?? kind;
}

/** A time in the workspace's zone, e.g. `2026-03-02 18:00`. */
export function localTime(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Whole hours a task is past due at `now` (0 in its first hour). */
export const hoursLate = (task: NoticeTask, now: Date) =>
  Math.max(0, Math.floor((now.getTime() - task.due_at.getTime()) / 3_600_000));

const customerText = (t: NoticeTask, lang: StaffLanguage, withName: boolean) => {
  const name = withName && t.customer_name ? ` ${t.customer_name}` : '';
  return lang === 'zh-CN' ? `客户 #${t.customer_id}${name}` : `customer #${t.customer_id}${name}`;
};

/** One line of a task: due time, kind, title, customer (name only where `withName`). */
export function taskLine(
  t: NoticeTask,
  lang: StaffLanguage,
  zone: string,
  now: Date,
  withName: boolean,
): string {
  const late = t.due_at.getTime() < now.getTime();
  const due =
    lang === 'zh-CN'
      ? `${late ? '【已逾期】' : ''}截止 ${localTime(t.due_at, zone)}`
      : `${late ? '[OVERDUE] ' : ''}due ${localTime(t.due_at, zone)}`;
  return `${due} · ${kindName(t.kind, lang)} · ${t.title} · ${customerText(t, lang, withName)} (#${t.id})`;
}

/**
 * The escalation of an overdue task: to its assignee, or to the admins (naming the assignee,
 * or saying it sits in the queue). Names of customers only where `withName` (mail to a member).
 */
export function escalationText(
  task: NoticeTask,
  level: 'assignee' | 'admins',
  assignee: string | null,
  lang: StaffLanguage,
  zone: string,
  now: Date,
  withName: boolean,
): { subject: string; body: string } {
  const late = hoursLate(task, now);
  const line = taskLine(task, lang, zone, now, withName);
  if (lang === 'zh-CN') {
    const who = assignee ? `负责人 ${assignee}` : '任务在待分配队列中，尚无负责人';
    return level === 'assignee'
      ? {
          subject: `【任务逾期】${task.title}`,
          body: `您的任务已逾期 ${late} 小时，请尽快处理：\n${line}`,
        }
      : {
          subject: `【任务逾期升级】${task.title}`,
          body: `以下任务已逾期 ${late} 小时仍未完成（${who}）：\n${line}`,
        };
  }
  const who = assignee ? `assigned to ${assignee}` : 'in the queue, nobody assigned';
  return level === 'assignee'
    ? {
        subject: `Task overdue: ${task.title}`,
        body: `Your task is ${late} hour(s) overdue; please handle it:\n${line}`,
      }
    : {
        subject: `Escalation: task overdue: ${task.title}`,
        body: `This task is ${late} hour(s) overdue and still open (${who}):\n${line}`,
      };
}

/** The daily digest of a member's open tasks, overdue first then by due time (as given), at most `maxLines` listed. */
export function digestText(
  tasks: readonly NoticeTask[],
  lang: StaffLanguage,
  zone: string,
  date: string,
  now: Date,
  withName: boolean,
  maxLines = Number.POSITIVE_INFINITY,
): { subject: string; body: string } {
  const overdue = tasks.filter((t) => t.due_at.getTime() < now.getTime()).length;
  const lines = tasks.slice(0, maxLines).map((t, i) => `${i + 1}. ${taskLine(t, lang, zone, now, withName)}`);
  const more = tasks.length - lines.length;
  if (more > 0) lines.push(lang === 'zh-CN' ? `……另有 ${more} 项` : `… and ${more} more`);
  return lang === 'zh-CN'
    ? {
        subject: `【今日任务】${date}：${tasks.length} 项待办，${overdue} 项逾期`,
        body: `您有 ${tasks.length} 项未完成的任务（${overdue} 项已逾期）：\n${lines.join('\n')}`,
      }
    : {
        subject: `Your tasks for ${date}: ${tasks.length} open, ${overdue} overdue`,
        body: `You have ${tasks.length} open task(s) (${overdue} overdue):\n${lines.join('\n')}`,
      };
}
