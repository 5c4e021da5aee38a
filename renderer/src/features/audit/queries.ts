import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../../api/client';
import { localInputToIso } from '../../lib/format';
import type { AuditFilters } from './store';

type AuditList = paths['/api/v1/audit-logs']['get'];
type AuditJsonPage = AuditList['responses'][200]['content']['application/json'];
export type AuditEntry = AuditJsonPage['data'][number];
export type AuditQuery = NonNullable<AuditList['parameters']['query']>;

export const AUDIT_PAGE_SIZE = 100;

export const auditKeys = {
  all: ['audit'] as const,
  list: (filters: AuditFilters) => [...auditKeys.all, 'list', filters] as const,
};

/** The API's filter parameters; the same ones the CSV export uses. */
export function toAuditQuery(filters: AuditFilters): AuditQuery {
  const query: AuditQuery = {};
  if (filters.action.trim()) query.action = filters.action.trim();
  if (filters.actorUserId.trim()) query.actor_user_id = filters.actorUserId.trim();
  const from = localInputToIso(filters.from);
  const to = localInputToIso(filters.to);
  if (from) query.from = from;
  if (to) query.to = to;
  return query;
}

export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: auditKeys.list(filters),
    initialPageParam: 0,
    // The route also answers text/csv, but only when asked with format=csv; this asks for JSON.
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/audit-logs', {
          params: { query: { ...toAuditQuery(filters), format: 'json', limit: AUDIT_PAGE_SIZE, offset: pageParam } },
          signal,
        }),
      ) as Promise<AuditJsonPage>,
    getNextPageParam: (last) => {
      const next = last.meta.offset + last.data.length;
      return last.data.length > 0 && next < last.meta.total ? next : undefined;
    },
  });
}
