import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { VirtualTable } from '../../components/VirtualTable';
import { useLiveEvent, useLiveResync } from '../live/live';
import { incidentColumns } from './columns';
import { filtersFromParams, filtersToParams, hasFilters, type IncidentFilters } from './filters';
import { useCoalescedInvalidate } from './live-refresh';
import { NewIncidentDialog } from './NewIncidentDialog';
import { incidentQueryKeys, useIncidentList, type Incident } from './queries';
import { IncidentFiltersForm } from './IncidentFiltersForm';
import { SavedViews } from './SavedViews';
import './incidents.css';

type ListPage = { data: Incident[]; meta: { total: number; limit: number; offset: number } };

export function IncidentsPage() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const list = useIncidentList(filters);
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  useLiveRows();

  const apply = (next: IncidentFilters) => setParams(filtersToParams(next));

  return (
    <section className="page page-fill" aria-labelledby="incidents-title">
      <div className="page-header">
        <h1 id="incidents-title">Incidents</h1>
        <div className="page-actions">
          <SavedViews filters={filters} onApply={(query) => setParams(new URLSearchParams(query))} />
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Open incident
          </button>
        </div>
      </div>
      <IncidentFiltersForm filters={filters} onChange={apply} />
      <p role="status" className="muted">
        {list.loaded
          ? `${list.total.toLocaleString()} incident${list.total === 1 ? '' : 's'}${list.rows.length < list.total ? `, ${list.rows.length.toLocaleString()} loaded` : ''}.`
          : 'Loading incidents…'}
      </p>
      <ErrorMessage error={list.error} />
      {list.loaded && list.rows.length === 0 ? (
        <p>{hasFilters(filters) ? 'No incident matches these filters.' : 'No incidents yet. Alerts sent to an integration’s webhook URL open them here, live.'}</p>
      ) : null}
      {list.rows.length > 0 ? (
        <VirtualTable label="Incidents" columns={incidentColumns} rowId={(row) => row.id} {...list} onOpen={(row) => navigate(`/incidents/${row.id}`)} />
      ) : null}
      {creating ? <NewIncidentDialog onClose={() => setCreating(false)} onCreated={(incident) => navigate(`/incidents/${incident.id}`)} /> : null}
    </section>
  );
}

/**
 * Rows follow the `incidents` topic: changed incidents are patched in place (batched to one update per
 * frame, so an alert storm does not re-render the table per alert), and the lists refetch at most once
 * a second so new incidents appear and filters and order stay true.
 */
function useLiveRows() {
  const client = useQueryClient();
  const refetch = useCoalescedInvalidate(incidentQueryKeys.lists());
  const pending = useRef(new Map<string, Incident>());
  const frame = useRef<number | undefined>(undefined);

  useEffect(() => () => cancelAnimationFrame(frame.current ?? 0), []);

  const flush = () => {
    frame.current = undefined;
    const changed = pending.current;
    pending.current = new Map();
    client.setQueriesData<InfiniteData<ListPage>>({ queryKey: incidentQueryKeys.lists() }, (data) =>
      data ? { ...data, pages: data.pages.map((page) => ({ ...page, data: page.data.map((row) => { const next = changed.get(row.id); return next ? { ...row, ...next } : row; }) })) } : data,
    );
  };

  useLiveEvent('incidents', (event) => {
    if (!event.event.startsWith('incident.')) return;
    const changed = event.data as Incident | undefined;
    if (changed?.id && event.event !== 'incident.created') {
      pending.current.set(changed.id, changed);
      frame.current ??= requestAnimationFrame(flush);
    }
    refetch();
  });
  useLiveResync(refetch);
}
