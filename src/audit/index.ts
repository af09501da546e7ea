/** The audit log: who did what to which object, written in the change's own transaction. */
export type { Actor } from './actor.ts';
export { type AuditEntry, auditAs, audited, listAudit, recordAudit } from './audit-log.ts';
