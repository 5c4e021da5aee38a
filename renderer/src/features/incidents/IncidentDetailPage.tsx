import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Kbd } from '../../components/Kbd';
import { formatDateTime } from '../../lib/format';
import { useLiveEvent, useLiveResync } from '../live/live';
import { IncidentRunbooks } from '../runbooks/IncidentRunbooks';
import { AlertList } from './AlertList';
import { SeverityBadge, StatusBadge } from './badges';
import { IncidentProperties } from './IncidentProperties';
import { useCoalescedInvalidate } from './live-refresh';
import { PostmortemSection } from './PostmortemSection';
import { PostUpdateDialog } from './PostUpdateDialog';
import { incidentQueryKeys, useAcknowledgeIncident, useIncident, usePatchIncident, type IncidentDetail } from './queries';
import { ResolveDialog } from './ResolveDialog';
import { usePageShortcuts } from './shortcuts';
import { Timeline } from './Timeline';
import './incidents.css';

export function IncidentDetailPage() {
  const { id = '' } = useParams();
  const incident = useIncident(id);
  const refetch = useCoalescedInvalidate(incidentQueryKeys.detail(id), 300);
  useLiveEvent(`incident:${id}`, refetch);
  useLiveResync(refetch);

  if (incident.error) {
    return (
      <section className="page">
        <p>
          <Link to="/incidents">← Incidents</Link>
        </p>
        {isApiError(incident.error, 'NOT_FOUND') ? <h1>No such incident</h1> : <ErrorMessage error={incident.error} />}
      </section>
    );
  }
  if (!incident.data) return <p role="status" className="page muted">Loading the incident…</p>;
  return <Detail incident={incident.data} />;
}

type Open = 'update' | 'resolve' | null;

function Detail({ incident }: { incident: IncidentDetail }) {
  const acknowledge = useAcknowledgeIncident(incident.id);
  const reopen = usePatchIncident(incident.id);
  const [open, setOpen] = useState<Open>(null);
  const resolved = incident.status === 'resolved';
  const canAcknowledge = !resolved && !incident.acknowledged_at && !acknowledge.isPending;

  usePageShortcuts({
    a: () => canAcknowledge && acknowledge.mutate(),
    r: () => !resolved && setOpen('resolve'),
  });

  return (
    <article className="page incident-detail" aria-labelledby="incident-title">
      <p className="breadcrumb">
        <Link to="/incidents">← Incidents</Link>
      </p>
      <header className="incident-header">
        <div>
          <h1 id="incident-title">{incident.title}</h1>
          <p className="incident-badges">
            <SeverityBadge severity={incident.severity} />{' '}
            <span data-testid="incident-status">
              <StatusBadge status={incident.status} />
            </span>{' '}
            <span role="status" className="muted">
              {incident.acknowledged_at ? `Acknowledged ${formatDateTime(incident.acknowledged_at)}` : resolved ? '' : 'Not acknowledged'}
            </span>
          </p>
        </div>
        <div className="incident-actions">
          {resolved ? (
            <button type="button" onClick={() => reopen.mutate({ status: 'investigating' })} disabled={reopen.isPending}>
              Re-open
            </button>
          ) : (
            <>
              <button type="button" onClick={() => acknowledge.mutate()} disabled={!canAcknowledge} aria-keyshortcuts="A">
                Acknowledge <Kbd keys={['A']} />
              </button>
              <button type="button" onClick={() => setOpen('update')}>
                Post update
              </button>
              <button type="button" className="primary" onClick={() => setOpen('resolve')} aria-keyshortcuts="R">
                Resolve <Kbd keys={['R']} />
              </button>
            </>
          )}
        </div>
      </header>
      <ErrorMessage error={acknowledge.error ?? reopen.error} />
      <div className="incident-layout">
        <div className="incident-main">
          {incident.description ? <p className="incident-description">{incident.description}</p> : null}
          {incident.root_cause ? (
            <section aria-labelledby="root-cause-title" className="incident-section">
              <h2 id="root-cause-title">Root cause</h2>
              <p className="incident-description">{incident.root_cause}</p>
            </section>
          ) : null}
          <IncidentRunbooks incidentId={incident.id} executions={incident.executions} />
          <section aria-labelledby="timeline-title" className="incident-section">
            <h2 id="timeline-title">Timeline</h2>
            <Timeline entries={incident.timeline} total={incident.timeline_total} />
          </section>
          <section aria-labelledby="alerts-title" className="incident-section">
            <h2 id="alerts-title">Alerts</h2>
            <AlertList alerts={incident.alerts} />
          </section>
          <PostmortemSection incident={incident} />
        </div>
        <IncidentProperties incident={incident} />
      </div>
      {open === 'update' ? <PostUpdateDialog incident={incident} onClose={() => setOpen(null)} /> : null}
      {open === 'resolve' ? <ResolveDialog incident={incident} onClose={() => setOpen(null)} /> : null}
    </article>
  );
}
