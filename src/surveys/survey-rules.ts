import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { customerVariableRows, renderText, variablesFromRow } from '../messaging/index.ts';
import { RetainError } from '../shared/errors.ts';
import { createTasksIn, type NewTask } from '../tasks/index.ts';
import type { Workspace } from '../workspaces/index.ts';
import { type Answer, writtenText } from './survey-form.ts';
import type { SurveyRule } from './survey-model.ts';
import type { StoredSurvey } from './survey-service.ts';

/** True when every condition of the rule holds for the answer. */
export function ruleMatches(rule: SurveyRule, answer: Answer): boolean {
  const w = rule.when;
  if (w.nps_group && !(answer.npsGroup && (w.nps_group as string[]).includes(answer.npsGroup))) return false;
  if (w.score_max !== undefined && !(answer.score !== null && answer.score <= w.score_max)) return false;
  if (w.score_min !== undefined && !(answer.score !== null && answer.score >= w.score_min)) return false;
  if (w.keywords) {
    const text = writtenText(answer).toLowerCase();
    if (!w.keywords.some((k) => text.includes(k.toLowerCase()))) return false;
  }
  return true;
}

/** An answer just recorded, for its survey's rules. */
export interface RecordedAnswer {
  workspace: Workspace;
  survey: StoredSurvey;
  answer: Answer;
  response: { id: number; customerId: number };
  /** When it was answered: tasks fall due counted from then. */
  answeredAt: Date;
}

/**
 * The tasks the answers' matching rules create, in the answers' transaction, each assigned by its
 * rule (the customer's owner by default) and made once per answer and rule: one read of the
 * customers' variables per workspace and one insert per assignment rule, however many answers.
 * Returns how many tasks each answer made.
 */
export async function applySurveyRules(
  trx: Kysely<Schema>,
  answers: readonly RecordedAnswer[],
  now: Date,
): Promise<number[]> {
  const matches = answers.flatMap((a) =>
    a.survey.definition.rules.flatMap((rule, i) => (ruleMatches(rule, a.answer) ? [{ a, rule, i }] : [])),
  );
  const made = new Map<number, number>();
  // One insert per workspace, survey (who made the tasks) and assignment rule.
  const inserts = new Map<
    string,
    { workspace: Workspace; survey: StoredSurvey; assign: SurveyRule['task']['assign']; tasks: NewTask[] }
  >();
  for (const [ws, group] of groupBy(matches, (m) => m.a.workspace.id)) {
    const rows = await customerVariableRows(trx, ws, [...new Set(group.map((m) => m.a.response.customerId))]);
    for (const { a, rule, i } of group) {
      const vars = {
        ...variablesFromRow(a.workspace, rows.get(a.response.customerId), 'zh-CN'),
        score: a.answer.score,
        comment: a.answer.comment ?? '',
        survey: a.survey.name,
      };
      const key = `${ws}\u0000${a.survey.id}\u0000${JSON.stringify(rule.task.assign)}`;
      const entry = inserts.get(key) ?? {
        workspace: a.workspace,
        survey: a.survey,
        assign: rule.task.assign,
        tasks: [],
      };
      inserts.set(key, entry);
      entry.tasks.push({
        customerId: a.response.customerId,
        kind: rule.task.kind,
        title: [...(await taskTitle(rule, i, a, vars))].slice(0, 200).join(''),
        dueAt: new Date(a.answeredAt.getTime() + rule.task.due_in_hours * 3_600_000),
        priority: rule.task.priority,
        notes: a.answer.comment,
        sourceRef: `survey:${a.survey.id}/response:${a.response.id}`,
        dedupeKey: `survey:${a.response.id}:${i}`,
      });
    }
  }
  for (const { workspace, survey, assign, tasks } of inserts.values()) {
    const created = await createTasksIn(
      trx,
      workspace,
      `survey:${survey.name}`,
      'survey',
      tasks,
      assign,
      now,
    );
    for (const t of created) {
      // The dedupe key `survey:<response>:<rule>` says which answer made the task.
      const response = Number(t.dedupe_key?.split(':')[1]);
      made.set(response, (made.get(response) ?? 0) + 1);
    }
  }
  return answers.map((a) => made.get(a.response.id) ?? 0);
}

async function taskTitle(rule: SurveyRule, i: number, a: RecordedAnswer, vars: Record<string, unknown>) {
  try {
    return await renderText(rule.task.title, vars, `survey "${a.survey.name}" rules.${i}.task.title`);
  } catch (error) {
    if (!(error instanceof RetainError)) throw error;
    // A broken title must not lose the complaint: the task keeps a plain one.
    return `${a.survey.name}：${a.answer.score ?? ''}`;
  }
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k) ?? [];
    list.push(item);
    groups.set(k, list);
  }
  return groups;
}
