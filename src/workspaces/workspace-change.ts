import type { Kysely } from 'kysely';
import { type Actor, audited } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { changeWorkspace, renameWorkspace, saveSettings, type Workspace } from './workspace-service.ts';
import { setSetting } from './workspace-settings.ts';

/** A change of the workspace itself: its name, time zone or currency. */
export interface WorkspaceChange {
  name?: string;
  timezone?: string;
  currency?: string;
}

/**
 * Renames the workspace or changes its zone or currency (refused once anything is imported), as
 * admins do it on the API and the CLI alike: the change and its `workspace.change` audit row
 * commit together.
 */
export function updateWorkspace(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  change: WorkspaceChange,
): Promise<Workspace> {
  const { name, ...zone } = change;
  return audited(
    db,
    workspace.id,
    actor,
    async (trx) => {
      const zoned = await changeWorkspace(trx, workspace, zone);
      return name === undefined ? zoned : renameWorkspace(trx, zoned, name);
    },
    () => ({
      action: 'workspace.change',
      objectType: 'workspace',
      objectId: workspace.id,
      // Only what was asked for: a flag left out is not part of the change.
      detail: Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
    }),
  );
}

/**
 * Sets workspace settings by dotted path, in order (e.g. `["points.enabled", true]`), and audits
 * which paths were set — never their values, which may be addresses or keys.
 */
export function changeSettings(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  assignments: readonly (readonly [path: string, value: unknown])[],
): Promise<Workspace> {
  let raw: unknown = workspace.settings;
  for (const [path, value] of assignments) raw = setSetting(raw, path, value);
  return audited(
    db,
    workspace.id,
    actor,
    (trx) => saveSettings(trx, workspace.id, raw as Record<string, unknown>),
    () => ({
      action: 'workspace.settings',
      objectType: 'workspace',
      objectId: workspace.id,
      detail: { set: assignments.map(([path]) => path) },
    }),
  );
}
