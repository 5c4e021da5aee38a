export { auditStore } from './audit.store';
export { createAuditLog, diffFields, type AuditLog, type AuditEntry } from './audit.service';
export { auditRoutes } from './audit.routes';
export { csvCell, csvRow, csvValue } from './csv';
export { scheduleAuditRetention } from './retention';
