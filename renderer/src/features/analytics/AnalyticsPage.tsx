import { useMemo, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Chart } from '../../components/Chart';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { SelectField } from '../../components/SelectField';
import { formatDateTime, localInputToIso } from '../../lib/format';
import { isoToLocalInput } from '../incidents/filters';
import { useLiveEvent } from '../live/live';
import { useCoalescedInvalidate } from '../incidents/live-refresh';
import { humanize, SEVERITIES, SEVERITY_COLORS } from '../incidents/vocabulary';
import { useServiceOptions } from '../services/queries';
import { durationUnit, formatDuration, periodLabel } from './format';
import { analyticsKeys, useAnalytics, type Analytics, type AnalyticsQuery } from './queries';
import './analytics.css';

const QUERY_KEYS = ['from', 'to', 'group_by', 'service_id'] as const;

export function AnalyticsPage() {
  const [params, setParams] = useSearchParams();
  const query = useMemo(() => {
    const q: AnalyticsQuery = {};
    for (const key of QUERY_KEYS) {
      const value = params.get(key);
      if (value) (q as Record<string, string>)[key] = value;
    }
    return q;
  }, [params]);
  const report = useAnalytics(query);
  const services = useServiceOptions();
  // Incidents opening, acknowledging and resolving change every figure here.
  const refetch = useCoalescedInvalidate(analyticsKeys.all, 2000);
  useLiveEvent('incidents', refetch);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    const from = localInputToIso(String(form.get('from') ?? ''));
    const to = localInputToIso(String(form.get('to') ?? ''));
    if (from) next.set('from', from);
    if (to) next.set('to', to);
    for (const key of ['group_by', 'service_id']) {
      const value = String(form.get(key) ?? '');
      if (value) next.set(key, value);
    }
    setParams(next);
  };
  const applyNow = (event: { currentTarget: HTMLSelectElement }) => event.currentTarget.form?.requestSubmit();

  return (
    <section className="page analytics" aria-labelledby="analytics-title">
      <h1 id="analytics-title">Analytics</h1>
      <form key={params.toString()} className="filters" onSubmit={submit} aria-label="Analytics range">
        <Field label="From" name="from" type="datetime-local" defaultValue={isoToLocalInput(query.from)} />
        <Field label="To" name="to" type="datetime-local" defaultValue={isoToLocalInput(query.to)} />
        <SelectField label="Group by" name="group_by" defaultValue={query.group_by ?? 'day'} onChange={applyNow} options={[{ value: 'day', label: 'Day' }, { value: 'week', label: 'Week' }]} />
        <SelectField label="Service" name="service_id" defaultValue={query.service_id ?? ''} onChange={applyNow} options={[{ value: '', label: 'All services' }, ...services]} />
        <div className="filters-actions">
          <button type="submit" className="primary">
            Apply
          </button>
        </div>
      </form>
      <ErrorMessage error={report.error} />
      {report.data ? <Report report={report.data} /> : report.isPending ? <p role="status" className="muted">Loading analytics…</p> : null}
    </section>
  );
}

function Report({ report }: { report: Analytics }) {
  const labels = report.series.map((period) => periodLabel(period.period_start));
  const labelHeading = report.group_by === 'week' ? 'Week starting (UTC)' : 'Day (UTC)';
  const maxSeconds = Math.max(0, ...report.series.flatMap((p) => [p.mtta_seconds ?? 0, p.mttr_seconds ?? 0]));
  const unit = durationUnit(maxSeconds);
  const inUnit = (seconds: number | null) => (seconds === null ? null : seconds / unit.seconds);

  return (
    <>
      <p className="muted">
        {formatDateTime(report.from)} to {formatDateTime(report.to)}
      </p>
      <dl className="stat-tiles" aria-label="Totals">
        <Stat label="Incidents" value={report.incidents.toLocaleString()} />
        <Stat label="Still open" value={report.open.toLocaleString()} />
        <Stat label="Resolved" value={report.resolved.toLocaleString()} />
        <Stat label="MTTA" value={formatDuration(report.mtta_seconds)} hint="Mean time to acknowledge" />
        <Stat label="MTTR" value={formatDuration(report.mttr_seconds)} hint="Mean time to resolve" />
      </dl>
      <div className="chart-grid">
        <Chart
          title="Incidents opened"
          kind="bar"
          integer
          labels={labels}
          labelHeading={labelHeading}
          series={SEVERITIES.map((severity) => ({ name: humanize(severity), color: SEVERITY_COLORS[severity], values: report.series.map((p) => p.by_severity[severity]) }))}
        />
        <Chart
          title={`MTTA and MTTR (${unit.label})`}
          kind="line"
          labels={labels}
          labelHeading={labelHeading}
          series={[
            { name: 'MTTA', values: report.series.map((p) => inUnit(p.mtta_seconds)) },
            { name: 'MTTR', values: report.series.map((p) => inUnit(p.mttr_seconds)) },
          ]}
        />
      </div>
      <div className="breakdowns">
        <Breakdown title="By severity" rows={SEVERITIES.map((s) => [humanize(s), report.by_severity[s]])} />
        <Breakdown title="By status" rows={Object.entries(report.by_status).map(([status, count]) => [humanize(status), count])} />
        <Breakdown title="By service" rows={report.by_service.map((s) => [s.name, s.incidents])} empty="No incident was linked to a service." />
      </div>
    </>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="stat-tile" title={hint} data-testid={`stat-${label.toLowerCase().replace(/\s+/g, '-')}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function Breakdown({ title, rows, empty }: { title: string; rows: [string, number][]; empty?: string }) {
  return (
    <table className="table breakdown" aria-label={title}>
      <caption>{title}</caption>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td className="muted">{empty}</td>
          </tr>
        ) : (
          rows.map(([name, count]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{count.toLocaleString()}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
