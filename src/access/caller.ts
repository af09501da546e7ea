import type { Actor } from '../audit/index.ts';
import type { Workspace } from '../workspaces/index.ts';
import type { Role } from './roles.ts';

export type { Actor };

/** An authenticated caller: the one workspace it may see, its role there, and who it is. */
export interface Caller {
  workspace: Workspace;
  role: Role;
  actor: Actor;
  /** Set for cookie sessions: writes must echo it in `x-csrf-token`. */
  csrfToken?: string;
}

/** The actor for commands run on the server's shell (trusted like an admin). */
export function cliActor(): Actor {
  const user = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  return { kind: 'cli', id: null, label: `cli:${user}` };
}
