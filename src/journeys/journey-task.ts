import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { customerVariables, renderText } from '../messaging/index.ts';
import { RetainError } from '../shared/errors.ts';
import { createTasksIn } from '../tasks/task-create.ts';
import { requireKind } from '../tasks/task-model.ts';
import type { Workspace } from '../workspaces/index.ts';
import type { Step } from './journey-model.ts';
import type { StoredJourney } from './journey-service.ts';
import { triggerVariables } from './trigger-variables.ts';

type TaskStep = Extract<Step, { type: 'create_task' }>;

/**
 * The `create_task` step: a staff task for the entry's customer, its title rendered with the
 * customer's variables, what fired the entry (`event`, `product`) and the entry's own (such as a
 * coupon code), assigned by the step's rule, in
 * the runner's transaction. Once per entry and step: a retried batch finds the task made and
 * says so. Returns the step's outcome: created, already_created or failed: why.
 */
export async function createJourneyTask(
  trx: Kysely<Schema>,
  workspace: Workspace,
  journey: StoredJourney,
  entry: { id: number; customer_id: number; vars: Record<string, unknown> },
  stepName: string,
  step: TaskStep,
  now: Date,
): Promise<string> {
  try {
    // The workspace's kinds may have changed since the journey was applied.
    requireKind(workspace, step.kind, `steps.${stepName}.kind`);
    const fired: Record<string, unknown> = {
      ...(await triggerVariables(trx, workspace.id, entry.id)),
      ...entry.vars,
    };
    const variables = await customerVariables(trx, workspace, entry.customer_id, 'zh-CN', fired);
    const title = await renderText(step.title, variables, `steps.${stepName}.title`);
    const created = await createTasksIn(
      trx,
      workspace,
      `journey:${journey.definition.name}`,
      'journey',
      [
        {
          customerId: entry.customer_id,
          kind: step.kind,
          title: [...title].slice(0, 200).join(''),
          dueAt: new Date(now.getTime() + step.due_in_hours * 3_600_000),
          priority: step.priority,
          sourceRef: `journey:${journey.id}/entry:${entry.id}/step:${stepName}`,
          dedupeKey: `journey:${journey.id}:${entry.id}:${stepName}`,
        },
      ],
      step.assign,
      now,
    );
    return created.length ? 'created' : 'already_created';
  } catch (error) {
    if (!(error instanceof RetainError)) throw error;
    return `failed: ${error.message}`;
  }
}
