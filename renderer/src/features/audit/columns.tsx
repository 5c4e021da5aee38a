import { createColumnHelper } from '@tanstack/react-table';
import { formatDateTime } from '../../lib/format';
import type { AuditEntry } from './queries';

const column = createColumnHelper<AuditEntry>();

export const auditColumns = [
  column.accessor('created_at', { header: 'Time', cell: (info) => formatDateTime(info.getValue()), size: 230 }),
  column.accessor('action', { header: 'Action', size: 200 }),
  column.accessor('resource', { header: 'Resource', size: 260 }),
  column.accessor((row) => row.actor_email ?? row.actor_user_id ?? 'system', { id: 'actor', header: 'Actor', size: 220 }),
  column.accessor('actor_token_id', { header: 'Token', cell: (info) => info.getValue() ?? '—', size: 150 }),
  column.accessor('ip', { header: 'IP', cell: (info) => info.getValue() ?? '—', size: 120 }),
];
