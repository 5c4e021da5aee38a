import type { AuditLog } from './audit.service';

const HOUR_MS = 3_600_000;

/**
 * Applies each organization's audit retention once shortly after start and then hourly. Off by default:
 * an organization keeps its audit log forever unless it sets audit_retention_days.
 */
export function scheduleAuditRetention(audit: AuditLog, policies: () => { orgId: string; days: number }[], onError: (error: unknown) => void): () => void {
  const run = async () => {
    try {
      for (const { orgId, days } of policies()) await audit.purgeOlderThan(orgId, days);
    } catch (error) {
      onError(error);
    }
  };
  const first = setTimeout(() => void run(), 5_000);
  const hourly = setInterval(() => void run(), HOUR_MS);
  first.unref();
  hourly.unref();
  return () => {
    clearTimeout(first);
    clearInterval(hourly);
  };
}
