import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { AuditDetail } from './AuditDetail';
import { AuditFiltersForm } from './AuditFilters';
import { AuditTable } from './AuditTable';
import { exportAuditCsv, type ExportResult } from './export';
import { useAuditLog, type AuditEntry } from './queries';
import { useAuditFilterStore } from './store';

const EXPORT_MESSAGES: Record<ExportResult, string> = {
  saved: 'Audit log saved.',
  cancelled: 'Export cancelled.',
  downloaded: 'Download started.',
};

export function AuditPage() {
  const filters = useAuditFilterStore((state) => state.filters);
  const log = useAuditLog(filters);
  const [open, setOpen] = useState<AuditEntry>();
  const [exportState, setExportState] = useState<{ message?: string; error?: unknown }>({});
  const [params, setParams] = useSearchParams();

  const entries = log.data?.pages.flatMap((page) => page.data) ?? [];
  const total = log.data?.pages[0]?.meta.total ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = log;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  const runExport = useCallback(() => {
    setExportState({ message: 'Exporting…' });
    exportAuditCsv(useAuditFilterStore.getState().filters).then(
      (result) => setExportState({ message: EXPORT_MESSAGES[result] }),
      (error: unknown) => setExportState({ error }),
    );
  }, []);

  // The command palette's "Export audit log as CSV" lands here with ?export=1.
  useEffect(() => {
    if (params.get('export') !== '1') return;
    setParams({}, { replace: true });
    runExport();
  }, [params, setParams, runExport]);

  return (
    <section className="page page-fill" aria-labelledby="audit-title">
      <div className="page-header">
        <h1 id="audit-title">Audit</h1>
        <button type="button" onClick={runExport}>
          Export CSV
        </button>
      </div>
      <AuditFiltersForm />
      <p role="status" className="muted">
        {log.isPending ? 'Loading the audit log…' : `${total.toLocaleString()} entries${entries.length < total ? `, ${entries.length.toLocaleString()} loaded` : ''}.`}{' '}
        {exportState.message}
      </p>
      <ErrorMessage error={log.error} />
      <ErrorMessage error={exportState.error} />
      {log.data ? (
        entries.length === 0 ? (
          <p>No audit entries match these filters.</p>
        ) : (
          <AuditTable entries={entries} total={total} hasMore={hasNextPage} loadingMore={isFetchingNextPage} onLoadMore={loadMore} onOpen={setOpen} />
        )
      ) : null}
      {open ? <AuditDetail entry={open} onClose={() => setOpen(undefined)} /> : null}
    </section>
  );
}
