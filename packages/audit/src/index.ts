export { type AuditEntry, type AuditEvent, type AuditFilter, AuditLog, auditTopic } from './auditLog.ts';
export { auditMigrations } from './auditMigrations.ts';
