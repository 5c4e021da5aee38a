import { toApiError } from '../../api/errors';
import { desktopSaveFile } from '../../lib/desktop';
import { toAuditQuery } from './queries';
import type { AuditFilters } from './store';

export function auditCsvUrl(filters: AuditFilters): string {
  const params = new URLSearchParams({ format: 'csv' });
  for (const [name, value] of Object.entries(toAuditQuery(filters))) params.set(name, String(value));
  return `/api/v1/audit-logs?${params}`;
}

export type ExportResult = 'saved' | 'cancelled' | 'downloaded';

/**
 * Desktop: fetch the CSV and hand it to the native save dialog. Browser: let the browser download the
 * same-origin URL itself (the session cookie rides along), so large logs stream to disk.
 */
export async function exportAuditCsv(filters: AuditFilters, now = new Date()): Promise<ExportResult> {
  const url = auditCsvUrl(filters);
  const defaultName = `nightshift-audit-${now.toISOString().slice(0, 10)}.csv`;
  const saveFile = desktopSaveFile();
  if (saveFile) {
    const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/csv' } });
    if (!response.ok) throw toApiError(await response.json().catch(() => undefined), response);
    const result = await saveFile({ defaultName, content: await response.text() });
    return result.saved ? 'saved' : 'cancelled';
  }
  const link = document.createElement('a');
  link.href = url;
  link.download = defaultName;
  document.body.append(link);
  link.click();
  link.remove();
  return 'downloaded';
}
