import { can, type Permission, type Role } from '../../../src/access/roles.ts';

/**
 * Whether a role may do what a permission guards: the server's own grants (src/access/roles.ts),
 * so a button is shown exactly when the server would accept what it does.
 */
export const may = (role: Role, permission: Permission) => can(role, permission);
