// What other folders use from src/workspaces: import it from here, not from the files inside (issue 20).
export {
  changeSettings,
  createWorkspace,
  ensureWorkspace,
  listWorkspaces,
  updateWorkspace,
  type Workspace,
  workspaceById,
  zoneLocked,
} from './workspace-service.ts';
export { readSettings, type StaffChannel, type WorkspaceSettings } from './workspace-settings.ts';
