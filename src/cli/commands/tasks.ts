import type { Command } from 'commander';
import { cliActor } from '../../access/index.ts';
import { listUsers, requireRole } from '../../access/user-service.ts';
import { findCustomerId } from '../../customers/index.ts';
import type { Database } from '../../db/database.ts';
import { parseInstant } from '../../shared/clock.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import {
  type AssignRule,
  createBulkTasks,
  createTasks,
  getTask,
  listTasks,
  requireKind,
  TASK_PRIORITIES,
  type TaskPriority,
  type TaskView,
  updateTask,
} from '../../tasks/index.ts';
import { withWorkspace } from '../context.ts';
import { printJson, printTable } from '../output.ts';

const ws = (command: Command): string => command.optsWithGlobals().workspace;

/** A member's user id by email; a clear error when they are not a member. */
async function userIdByEmail(store: Database, workspaceId: number, email: string): Promise<number> {
  const wanted = email.trim().toLowerCase();
  const user = (await listUsers(store.db, workspaceId)).find((u) => u.email === wanted);
  if (!user) throw new InvalidInputError(`${email}: no user with this email in the workspace`);
  return user.id;
}

/** `--assign owner|store|queue|round_robin:ROLE|EMAIL` as a rule. */
async function assignRule(store: Database, workspaceId: number, text: string): Promise<AssignRule> {
  if (text === 'owner' || text === 'queue' || text === 'store') return { rule: text };
  if (text.startsWith('round_robin:')) return { rule: 'round_robin', role: requireRole(text.slice(12)) };
  if (text.includes('@')) return { rule: 'user', user_id: await userIdByEmail(store, workspaceId, text) };
  throw new InvalidInputError(
    `--assign ${text}: use owner, store, queue, round_robin:ROLE or a user's email`,
  );
}

function positiveHours(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 8784)
    throw new InvalidInputError(`--due-in-hours ${text}: a number of hours from 0 to 8784`);
  return n;
}

function priority(text: string | undefined): TaskPriority | undefined {
  if (text === undefined) return undefined;
  if (!(TASK_PRIORITIES as readonly string[]).includes(text))
    throw new InvalidInputError(`--priority ${text}: use ${TASK_PRIORITIES.join(', ')}`);
  return text as TaskPriority;
}

function title(text: string): string {
  if (text.trim() === '' || [...text].length > 200)
    throw new InvalidInputError('--title: between 1 and 200 characters');
  return text;
}

function taskId(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new InvalidInputError(`${text}: a task id is a whole number`);
  return Number(text);
}

const row = (t: TaskView) => ({
  id: t.id,
  due_at: t.due_at.toISOString(),
  overdue: t.overdue ? 'yes' : '',
  status: t.status,
  kind: t.kind,
  priority: t.priority,
  customer: t.customer_name ?? t.customer_id,
  assignee: t.assignee_email ?? '(queue)',
  title: t.title,
});

/** `retain tasks …`: staff tasks (回访 / 跟进) from the shell. */
export function registerTaskCommands(program: Command): void {
  const tasks = program.command('tasks').description('staff tasks (回访 / 跟进): list, create, done, bulk');

  tasks
    .command('list')
    .description('tasks sorted by due time, overdue ones marked')
    .option('--assignee <who>', "a user's email, or queue for unassigned tasks")
    .option('--status <status>', 'open, in_progress, done or cancelled')
    .option('--kind <kind>', 'callback, vip_care, …')
    .option('--overdue', 'only open or in-progress tasks past due')
    .option('--limit <n>', 'how many', '100')
    .option('--json', 'print JSON')
    .action(
      async (
        opts: {
          assignee?: string;
          status?: string;
          kind?: string;
          overdue?: boolean;
          limit: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
          throw new InvalidInputError(`--limit ${opts.limit}: a whole number from 1 to 10000`);
        const statuses = ['open', 'in_progress', 'done', 'cancelled'] as const;
        if (opts.status && !(statuses as readonly string[]).includes(opts.status))
          throw new InvalidInputError(`--status ${opts.status}: use ${statuses.join(', ')}`);
        await withWorkspace(ws(command), async (store, workspace) => {
          const assignee =
            opts.assignee === undefined
              ? undefined
              : opts.assignee === 'queue'
                ? null
                : await userIdByEmail(store, workspace.id, opts.assignee);
          const page = await listTasks(store.db, workspace.id, {
            assignee,
            status: opts.status ? [opts.status as (typeof statuses)[number]] : undefined,
            kind: opts.kind,
            overdue: opts.overdue ? true : undefined,
            limit,
          });
          if (opts.json) return printJson(page.items);
          if (page.items.length === 0) console.log('no tasks');
          else printTable(page.items.map(row));
        });
      },
    );

  tasks
    .command('show')
    .description('a task with its history')
    .argument('<id>', 'task id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        const task = await getTask(store.db, workspace.id, taskId(id));
        if (opts.json) return printJson(task);
        printTable([row(task)]);
        printTable(task.history.map((h) => ({ ...h, at: h.at.toISOString() })));
      });
    });

  tasks
    .command('create')
    .description('a task for one customer')
    .requiredOption('--customer <query>', 'external id, phone, email or id')
    .requiredOption('--kind <kind>', 'callback, vip_care, winback_call, complaint, store_invite or your own')
    .requiredOption('--title <title>', 'what to do')
    .option('--due <time>', 'due time, e.g. 2026-03-01T10:00:00+08:00')
    .option('--due-in-hours <n>', 'due this many hours from now (default 24)')
    .option('--priority <p>', 'low, normal, high or urgent')
    .option('--assign <rule>', "owner, store, queue, round_robin:ROLE or a user's email", 'owner')
    .option('--json', 'print JSON')
    .action(
      async (
        opts: {
          customer: string;
          kind: string;
          title: string;
          due?: string;
          dueInHours?: string;
          priority?: string;
          assign: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        if (opts.due && opts.dueInHours)
          throw new InvalidInputError('give --due or --due-in-hours, not both');
        const now = new Date();
        const dueAt = opts.due
          ? parseInstant('--due', opts.due)
          : new Date(now.getTime() + positiveHours(opts.dueInHours ?? '24') * 3_600_000);
        await withWorkspace(ws(command), async (store, workspace) => {
          requireKind(workspace, opts.kind, '--kind');
          const customerId = await findCustomerId(store.db, workspace.id, opts.customer);
          const rule = await assignRule(store, workspace.id, opts.assign);
          const [made] = await createTasks(
            store.db,
            workspace,
            cliActor(),
            'manual',
            [
              {
                customerId,
                kind: opts.kind,
                title: title(opts.title),
                dueAt,
                priority: priority(opts.priority),
              },
            ],
            rule,
            now,
          );
          const task = await getTask(store.db, workspace.id, made!.id);
          if (opts.json) return printJson(task);
          console.log(`task ${task.id} for customer ${customerId}: ${task.assignee_email ?? 'in the queue'}`);
        });
      },
    );

  tasks
    .command('done')
    .description('mark a task done with its outcome')
    .argument('<id>', 'task id')
    .requiredOption('--outcome <code>', 'reached, not_reached, wrong_number, will_buy, complaint_resolved, …')
    .option('--notes <text>', 'what was said or agreed')
    .action(async (id: string, opts: { outcome: string; notes?: string }, command: Command) => {
      await withWorkspace(ws(command), async (store, workspace) => {
        await updateTask(store.db, workspace, cliActor(), taskId(id), {
          status: 'done',
          outcome: opts.outcome,
          ...(opts.notes !== undefined ? { notes: opts.notes } : {}),
        });
        console.log(`task ${id} done: ${opts.outcome}`);
      });
    });

  tasks
    .command('bulk')
    .description('one task per current member of a saved segment, spread round robin over a role')
    .requiredOption('--segment <name>', 'a saved segment')
    .requiredOption('--kind <kind>', 'task kind')
    .requiredOption('--title <title>', 'what to do')
    .requiredOption('--due-in-hours <n>', 'due this many hours from now')
    .option('--role <role>', 'share among this role’s members (fewest open tasks first)', 'service')
    .option('--json', 'print JSON')
    .action(
      async (
        opts: {
          segment: string;
          kind: string;
          title: string;
          dueInHours: string;
          role: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        const hours = positiveHours(opts.dueInHours);
        const role = requireRole(opts.role);
        await withWorkspace(ws(command), async (store, workspace) => {
          requireKind(workspace, opts.kind, '--kind');
          const result = await createBulkTasks(store.db, workspace, cliActor(), {
            segment: opts.segment,
            kind: opts.kind,
            title: title(opts.title),
            dueInHours: hours,
            rule: { rule: 'round_robin', role },
          });
          if (opts.json) return printJson(result);
          console.log(`${result.created} tasks created`);
          printTable(
            result.by_assignee.map((r) => ({ assignee_id: r.assignee_id ?? '(queue)', tasks: r.tasks })),
          );
        });
      },
    );
}
