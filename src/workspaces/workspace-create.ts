import type { Kysely } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { RetainError } from '../shared/errors.ts';
import { createWorkspace, findWorkspace, type Workspace } from './workspace-service.ts';

/**
 * Creates a workspace for a signed-in admin, who becomes its first admin, and audits it in both
 * workspaces, in one transaction.
 *
 * @example await createWorkspaceFor(db, caller.workspace.id, actor, userId, { name: '奥莱店' })
 */
export function createWorkspaceFor(
  db: Kysely<Schema>,
  fromWorkspaceId: number,
  actor: Actor,
  userId: number,
  input: { name: string; timezone?: string; currency?: string },
): Promise<Workspace> {
  return db.transaction().execute(async (trx) => {
    // Named for the form's field; createWorkspace still refuses a name taken meanwhile.
    if (await findWorkspace(trx, input.name.trim()))
      throw new RetainError('conflict', `name: workspace "${input.name.trim()}" already exists`);
    const created = await createWorkspace(trx, input);
    await trx
      .insertInto('memberships')
      .values({ workspace_id: created.id, user_id: userId, role: 'admin' })
      .execute();
    const entry = {
      action: 'workspace.create',
      objectType: 'workspace',
      objectId: created.id,
      detail: { name: created.name },
    };
    await recordAudit(trx, fromWorkspaceId, actor, entry);
    await recordAudit(trx, created.id, actor, entry);
    return created;
  });
}
