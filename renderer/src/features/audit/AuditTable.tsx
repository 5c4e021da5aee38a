import { flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { auditColumns } from './columns';
import type { AuditEntry } from './queries';

const ROW_HEIGHT = 36;
// Ask for the next page while this many loaded rows are still below the viewport.
const PREFETCH_ROWS = 30;

interface AuditTableProps {
  entries: AuditEntry[];
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  onOpen: (entry: AuditEntry) => void;
}

/** Only the rows in view (plus a few) exist in the DOM, however many are loaded. */
export function AuditTable({ entries, total, hasMore, loadingMore, onLoadMore, onOpen }: AuditTableProps) {
  const table = useReactTable({ data: entries, columns: auditColumns, getCoreRowModel: getCoreRowModel(), getRowId: (row) => row.id });
  const { rows } = table.getRowModel();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - PREFETCH_ROWS) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, rows.length, onLoadMore]);

  const template = auditColumns.map((c) => `minmax(${Math.round((c.size ?? 150) * 0.6)}px, ${c.size ?? 150}fr)`).join(' ');

  return (
    <div ref={scrollRef} className="vtable-scroll" tabIndex={-1}>
      <table className="vtable" aria-label="Audit log" aria-rowcount={total + 1}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} aria-rowindex={1} style={{ gridTemplateColumns: template }}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <tr
                key={row.id}
                aria-rowindex={item.index + 2}
                tabIndex={0}
                className="vtable-row"
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onOpen(row.original)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' || event.key === ' ') {
                    event.preventDefault();
                    onOpen(row.original);
                  }
                }}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
