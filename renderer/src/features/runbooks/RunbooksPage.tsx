import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, useRef, type ChangeEvent, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Field } from '../../components/Field';
import { SelectField } from '../../components/SelectField';
import { VirtualTable } from '../../components/VirtualTable';
import { formatDateTime } from '../../lib/format';
import { useCoalescedInvalidate } from '../incidents/live-refresh';
import { useLiveEvent, useLiveResync } from '../live/live';
import { ExecutionStatusBadge, ProgressText } from './badges';
import { executionKeys, runbookKeys, useExecutions, useImportRunbook, useRunbookList, useRunbookTags, type RunbookFilters } from './queries';
import { RunbookError } from './RunbookError';
import type { ProcedureSummary } from './types';
import './runbooks.css';

const column = createColumnHelper<ProcedureSummary>();

const columns = [
  column.accessor('title', {
    header: 'Runbook',
    size: 360,
    cell: ({ row }) => (
      <Link to={`/runbooks/${row.original.id}`} className="row-link" onClick={(event) => event.stopPropagation()}>
        {row.original.title}
      </Link>
    ),
  }),
  column.accessor('tags', { header: 'Tags', size: 200, cell: (info) => info.getValue().map((tag) => <span key={tag} className="tag">{tag}</span>) }),
  column.accessor('step_count', { header: 'Steps', size: 70 }),
  column.accessor('version', { header: 'Version', size: 80, cell: (info) => `v${info.getValue()}` }),
  column.accessor('updated_at', { header: 'Updated', size: 190, cell: (info) => formatDateTime(info.getValue()) }),
];

export function RunbooksPage() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo<RunbookFilters>(() => ({ search: params.get('search') ?? '', tag: params.get('tag') ?? '' }), [params]);
  const list = useRunbookList(filters);
  const tags = useRunbookTags();
  const navigate = useNavigate();
  const importing = useImportRunbook();
  const fileInput = useRef<HTMLInputElement>(null);

  const refetchLists = useCoalescedInvalidate(runbookKeys.all, 1000);
  const refetchExecutions = useCoalescedInvalidate(executionKeys.lists(), 1000);
  useLiveEvent('procedures', refetchLists);
  useLiveEvent('executions', refetchExecutions);
  useLiveResync(refetchLists);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of ['search', 'tag']) {
      const value = String(form.get(key) ?? '').trim();
      if (value) next.set(key, value);
    }
    setParams(next);
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.currentTarget.files?.[0];
    event.currentTarget.value = '';
    if (!file) return;
    importing.mutate({ markdown: await file.text() }, { onSuccess: (procedure) => navigate(`/runbooks/${procedure.id}`) });
  };

  const filtered = Boolean(filters.search || filters.tag);
  return (
    <section className="page page-fill runbooks" aria-labelledby="runbooks-title">
      <div className="page-header">
        <h1 id="runbooks-title">Runbooks</h1>
        <div className="page-actions">
          <input ref={fileInput} type="file" accept=".md,.markdown,text/markdown" className="visually-hidden" tabIndex={-1} aria-hidden="true" onChange={(event) => void importFile(event)} />
          <button type="button" onClick={() => fileInput.current?.click()} disabled={importing.isPending}>
            Import Markdown…
          </button>
          <button type="button" className="primary" onClick={() => navigate('/runbooks/new')}>
            New runbook
          </button>
        </div>
      </div>
      <RunbookError error={importing.error} />
      <form key={JSON.stringify(filters)} className="filters" onSubmit={submit} aria-label="Runbook filters">
        <Field label="Search" name="search" type="search" defaultValue={filters.search} placeholder="Words in title or description" />
        <SelectField
          label="Tag"
          name="tag"
          defaultValue={filters.tag}
          onChange={(event) => event.currentTarget.form?.requestSubmit()}
          options={[{ value: '', label: 'Any' }, ...[...new Set([...tags, ...(filters.tag ? [filters.tag] : [])])].map((tag) => ({ value: tag, label: tag }))]}
        />
        <div className="filters-actions">
          <button type="submit" className="primary">
            Apply
          </button>
          {filtered ? (
            <button type="button" onClick={() => setParams(new URLSearchParams())}>
              Clear
            </button>
          ) : null}
        </div>
      </form>
      <p role="status" className="muted">
        {list.loaded ? `${list.total.toLocaleString()} runbook${list.total === 1 ? '' : 's'}.` : 'Loading runbooks…'}
      </p>
      <RunbookError error={list.error} />
      {list.loaded && list.rows.length === 0 ? (
        <p>{filtered ? 'No runbook matches.' : 'No runbooks yet. Write one, or import a Markdown runbook kept in git.'}</p>
      ) : null}
      {list.rows.length > 0 ? <VirtualTable label="Runbooks" columns={columns} rowId={(row) => row.id} {...list} onOpen={(row) => navigate(`/runbooks/${row.id}`)} /> : null}
      <RecentExecutions />
    </section>
  );
}

function RecentExecutions() {
  const executions = useExecutions({}, 10);
  const rows = executions.data?.data ?? [];
  return (
    <section aria-labelledby="recent-executions-title" className="recent-executions">
      <h2 id="recent-executions-title">Recent executions</h2>
      <RunbookError error={executions.error} />
      {executions.data && rows.length === 0 ? <p className="muted">No runbook has been run yet.</p> : null}
      {rows.length > 0 ? (
        <table className="table" aria-label="Recent executions">
          <thead>
            <tr>
              <th scope="col">Runbook</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Started by</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((execution) => (
              <tr key={execution.id}>
                <td>
                  <Link to={`/runbooks/executions/${execution.id}`}>{execution.title}</Link>
                  {execution.incident_id ? (
                    <>
                      {' '}
                      <Link to={`/incidents/${execution.incident_id}`} className="muted">
                        (incident)
                      </Link>
                    </>
                  ) : null}
                </td>
                <td>
                  <ExecutionStatusBadge status={execution.status} />
                </td>
                <td>
                  <ProgressText progress={execution.progress} />
                </td>
                <td>{execution.started_by_name ?? '—'}</td>
                <td>{formatDateTime(execution.started_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
