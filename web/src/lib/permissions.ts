/** The roles of `GET /auth/me`. */
type Role = 'admin' | 'operator' | 'service' | 'viewer';

/**
 * Who holds the permissions the dashboard's buttons depend on; the server's grants
 * (src/access/roles.ts) decide, and a test keeps this table equal to them.
 */
const HOLDERS = {
  'messaging.write': ['admin', 'operator'],
  'tasks.write': ['admin', 'operator', 'service'],
} as const satisfies Record<string, readonly Role[]>;

/** Whether a role may do what a permission guards (the server refuses it otherwise). */
export const may = (role: Role, permission: keyof typeof HOLDERS) =>
  (HOLDERS[permission] as readonly string[]).includes(role);
