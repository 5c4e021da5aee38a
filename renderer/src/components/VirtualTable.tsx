import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';

const ROW_HEIGHT = 36;
// Ask for the next page while this many loaded rows are still below the viewport.
const PREFETCH_ROWS = 30;

export interface VirtualTableProps<T> {
  label: string;
  rows: T[];
  // Columns of mixed value types: react-table's own helpers produce these.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  rowId: (row: T) => string;
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  /** Rows open on click or Enter when given; otherwise their cells hold the controls. */
  onOpen?: (row: T) => void;
  rowHeight?: number;
}

/** A list that can grow: only the rows in view (plus a few) exist in the DOM, however many are loaded. */
export function VirtualTable<T>({ label, rows: data, columns, rowId, total, hasMore, loadingMore, onLoadMore, onOpen, rowHeight = ROW_HEIGHT }: VirtualTableProps<T>) {
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel(), getRowId: rowId });
  const { rows } = table.getRowModel();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 8 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - PREFETCH_ROWS) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, rows.length, onLoadMore]);

  const template = columns.map((c) => `minmax(${Math.round((c.size ?? 150) * 0.6)}px, ${c.size ?? 150}fr)`).join(' ');

  return (
    <div ref={scrollRef} className="vtable-scroll" tabIndex={-1}>
      <table className="vtable" aria-label={label} aria-rowcount={total + 1}>
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
            const open = onOpen;
            return (
              <tr
                key={row.id}
                aria-rowindex={item.index + 2}
                className={open ? 'vtable-row vtable-row-open' : 'vtable-row'}
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: rowHeight }}
                {...(open
                  ? {
                      tabIndex: 0,
                      onClick: () => open(row.original),
                      onKeyDown: (event: React.KeyboardEvent) => {
                        if (event.key === 'Enter' || event.key === ' ') {
                          event.preventDefault();
                          open(row.original);
                        }
                      },
                    }
                  : {})}
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
