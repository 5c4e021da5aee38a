import { VirtualTable } from '../../components/VirtualTable';
import { auditColumns } from './columns';
import type { AuditEntry } from './queries';

interface AuditTableProps {
  entries: AuditEntry[];
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  onOpen: (entry: AuditEntry) => void;
}

export function AuditTable({ entries, ...rest }: AuditTableProps) {
  return <VirtualTable label="Audit log" rows={entries} columns={auditColumns} rowId={(row) => row.id} {...rest} />;
}
