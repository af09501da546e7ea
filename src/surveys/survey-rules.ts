import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { customerVariables } from '../messaging/message-variables.ts';
import { renderText } from '../messaging/template-render.ts';
import { RetainError } from '../shared/errors.ts';
import { createTasksIn } from '../tasks/task-create.ts';
import type { Workspace } from '../workspaces/workspace-service.ts';
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

/**
 * The tasks an answer's matching rules create, in the answer's transaction, each assigned by its
 * rule (the customer's owner by default) and made once per answer and rule. Returns how many.
 */
export async function applySurveyRules(
  trx: Kysely<Schema>,
  workspace: Workspace,
  survey: StoredSurvey,
  answer: Answer,
  response: { id: number; customerId: number },
  now: Date,
): Promise<number> {
  let created = 0;
  for (const [i, rule] of survey.definition.rules.entries()) {
    if (!ruleMatches(rule, answer)) continue;
    const vars = {
      ...(await customerVariables(trx, workspace, response.customerId, 'zh-CN')),
      score: answer.score,
      comment: answer.comment ?? '',
      survey: survey.name,
    };
    let title: string;
    try {
      title = await renderText(rule.task.title, vars, `survey "${survey.name}" rules.${i}.task.title`);
    } catch (error) {
      if (!(error instanceof RetainError)) throw error;
      // A broken title must not lose the complaint: the task keeps a plain one.
      title = `${survey.name}：${answer.score ?? ''}`;
    }
    const tasks = await createTasksIn(
      trx,
      workspace,
      `survey:${survey.name}`,
      'survey',
      [
        {
          customerId: response.customerId,
          kind: rule.task.kind,
          title: [...title].slice(0, 200).join(''),
          dueAt: new Date(now.getTime() + rule.task.due_in_hours * 3_600_000),
          priority: rule.task.priority,
          notes: answer.comment,
          sourceRef: `survey:${survey.id}/response:${response.id}`,
          dedupeKey: `survey:${response.id}:${i}`,
        },
      ],
      rule.task.assign,
      now,
    );
    created += tasks.length;
  }
  return created;
}
