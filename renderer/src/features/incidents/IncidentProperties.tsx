import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SelectField } from '../../components/SelectField';
import { formatDateTime } from '../../lib/format';
import { LinkServicesDialog } from './LinkServicesDialog';
import { useUserOptions } from './people';
import { usePatchIncident, type IncidentDetail, type IncidentPatch } from './queries';
import { humanize, IMPACTS, nextStatuses, SEVERITIES } from './vocabulary';

/** The incident's fields, each changed in place; every change lands on the timeline. */
export function IncidentProperties({ incident }: { incident: IncidentDetail }) {
  const patch = usePatchIncident(incident.id);
  const users = useUserOptions();
  const [linking, setLinking] = useState(false);
  const change = (body: IncidentPatch) => patch.mutate(body);

  return (
    <aside className="incident-side" aria-label="Incident properties">
      <SelectField
        label="Status"
        value={incident.status}
        disabled={patch.isPending}
        onChange={(event) => change({ status: event.target.value as IncidentPatch['status'] })}
        options={[incident.status, ...nextStatuses(incident.status)].map((s) => ({ value: s, label: humanize(s) }))}
      />
      <SelectField
        label="Severity"
        value={incident.severity}
        disabled={patch.isPending}
        onChange={(event) => change({ severity: event.target.value as IncidentPatch['severity'] })}
        options={SEVERITIES.map((s) => ({ value: s, label: humanize(s) }))}
      />
      <SelectField
        label="Assignee"
        value={incident.assignee_id ?? ''}
        disabled={patch.isPending}
        onChange={(event) => change({ assignee_id: event.target.value || null })}
        options={[
          { value: '', label: 'Unassigned' },
          ...users,
          ...(incident.assignee_id && !users.some((u) => u.value === incident.assignee_id) ? [{ value: incident.assignee_id, label: incident.assignee ?? incident.assignee_id }] : []),
        ]}
      />
      <SelectField
        label="Impact"
        value={incident.impact}
        disabled={patch.isPending}
        onChange={(event) => change({ impact: event.target.value as IncidentPatch['impact'] })}
        options={IMPACTS.map((s) => ({ value: s, label: humanize(s) }))}
        hint="Partial and major outages count against the affected services’ uptime."
      />
      <ErrorMessage error={patch.error} />
      <div className="field">
        <span>Affected services</span>
        {incident.services.length ? (
          <ul className="plain-list">
            {incident.services.map((service) => (
              <li key={service.id}>
                {service.name} <span className="muted">· {humanize(service.impact)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None linked.</p>
        )}
        <button type="button" onClick={() => setLinking(true)}>
          Link services
        </button>
      </div>
      <dl className="details">
        <dt>Source</dt>
        <dd>{incident.source}</dd>
        <dt>Opened</dt>
        <dd>{formatDateTime(incident.created_at)}</dd>
        <dt>Acknowledged</dt>
        <dd>{formatDateTime(incident.acknowledged_at)}</dd>
        <dt>Resolved</dt>
        <dd>{formatDateTime(incident.resolved_at)}</dd>
      </dl>
      {linking ? <LinkServicesDialog incident={incident} onClose={() => setLinking(false)} /> : null}
    </aside>
  );
}
