// What other folders use from src/access: import it from here, not from the files inside (issue 20).
export { type Actor, type Caller, cliActor } from './caller.ts';
export type { LoginLimits } from './login-limit.ts';
export type { WorkspaceUser } from './user-service.ts';
