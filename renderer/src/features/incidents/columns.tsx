import { createColumnHelper } from '@tanstack/react-table';
import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format';
import { SeverityBadge, StatusBadge } from './badges';
import type { Incident } from './queries';

const column = createColumnHelper<Incident>();

export const incidentColumns = [
  column.accessor('severity', { header: 'Severity', size: 100, cell: (info) => <SeverityBadge severity={info.getValue()} /> }),
  column.accessor('title', {
    header: 'Title',
    size: 380,
    // A real link too, so an incident opens in a new tab and the row reads as a link.
    cell: ({ row }) => (
      <Link to={`/incidents/${row.original.id}`} className="row-link" onClick={(event) => event.stopPropagation()}>
        {row.original.title}
      </Link>
    ),
  }),
  column.accessor('status', { header: 'Status', size: 130, cell: (info) => <StatusBadge status={info.getValue()} /> }),
  column.accessor('acknowledged_at', {
    header: 'Acknowledged',
    size: 120,
    cell: (info) => (info.getValue() ? <span title={formatDateTime(info.getValue())}>Yes</span> : <span className="muted">No</span>),
  }),
  column.accessor('assignee', { header: 'Assignee', size: 150, cell: (info) => info.getValue() ?? <span className="muted">Unassigned</span> }),
  column.accessor('source', { header: 'Source', size: 110 }),
  column.accessor('created_at', { header: 'Opened', size: 190, cell: (info) => formatDateTime(info.getValue()) }),
];
