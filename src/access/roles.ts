/** The roles a user or API key can hold in a workspace. */
export const ROLES = ['admin', 'operator', 'service', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a caller may do. `pii` is seeing phones, emails and WeChat ids unmasked; the rest gate
 * routes.
 */
export type Permission =
  | 'read'
  | 'pii'
  | 'customers.write'
  | 'data.write'
  | 'segments.write'
  | 'loyalty.write'
  | 'messaging.write'
  | 'tasks.write'
  | 'export'
  | 'erase'
  | 'admin';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: [
    'read',
    'pii',
    'customers.write',
    'data.write',
    'segments.write',
    'loyalty.write',
    'messaging.write',
    'tasks.write',
    'export',
    'erase',
    'admin',
  ],
  // Operators run data, segments and campaigns; they reach customers through channels, not by
  // copying phone numbers, so they see personal data masked.
  operator: [
    'read',
    'customers.write',
    'data.write',
    'segments.write',
    'loyalty.write',
    'messaging.write',
    'tasks.write',
    'export',
  ],
  // Service staff call and message customers one at a time: they see contact details.
  // They also work staff tasks (回访) and write service notes.
  service: ['read', 'pii', 'customers.write', 'tasks.write'],
  viewer: ['read'],
};

/** True when `role` holds `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** Narrows a string to a role, or undefined. */
export function parseRole(text: string): Role | undefined {
  return (ROLES as readonly string[]).includes(text) ? (text as Role) : undefined;
}
