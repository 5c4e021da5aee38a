import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../../api/client';
import { PAGE_SIZE, usePagedList } from '../../lib/paged-list';
import type { IncidentFilters } from './filters';
import { incidentKeys } from './open-incidents';

type ListRoute = paths['/api/v1/incidents']['get'];
type DetailRoute = paths['/api/v1/incidents/{id}'];
export type Incident = ListRoute['responses'][200]['content']['application/json']['data'][number];
export type IncidentDetail = DetailRoute['get']['responses'][200]['content']['application/json'];
export type TimelineEntry = IncidentDetail['timeline'][number];
export type IncidentAlert = IncidentDetail['alerts'][number];
export type AffectedService = IncidentDetail['services'][number];
export type IncidentListQuery = NonNullable<ListRoute['parameters']['query']>;
export type NewIncident = paths['/api/v1/incidents']['post']['requestBody']['content']['application/json'];
export type IncidentPatch = NonNullable<DetailRoute['patch']['requestBody']>['content']['application/json'];
export type IncidentUpdate = paths['/api/v1/incidents/{id}/updates']['post']['requestBody']['content']['application/json'];
export type IncidentResolve = NonNullable<paths['/api/v1/incidents/{id}/resolve']['post']['requestBody']>['content']['application/json'];

export { incidentKeys };

const listKey = (filters: IncidentFilters) => [...incidentKeys.all, 'list', filters] as const;
const detailKey = (id: string) => [...incidentKeys.all, 'detail', id] as const;
export const incidentQueryKeys = { lists: () => [...incidentKeys.all, 'list'] as const, list: listKey, detail: detailKey };

/** The list route's parameters; the URL already uses the API's names and formats. */
export function toListQuery(filters: IncidentFilters): IncidentListQuery {
  return { ...filters } as IncidentListQuery;
}

export function useIncidentList(filters: IncidentFilters) {
  return usePagedList(listKey(filters), (offset, signal) =>
    unwrap(api.GET('/api/v1/incidents', { params: { query: { ...toListQuery(filters), limit: PAGE_SIZE, offset } }, signal })),
  );
}

export function useIncident(id: string) {
  return useQuery({
    queryKey: detailKey(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/incidents/{id}', { params: { path: { id } }, signal })),
  });
}

/**
 * After any change: the detail shows what the server answered (or refetches), and every list and the
 * open count are stale. Other incidents' details are left alone.
 */
function useIncidentChanged() {
  const client = useQueryClient();
  return (id: string, detail?: unknown) => {
    if (isDetail(detail)) client.setQueryData(detailKey(id), detail);
    return client.invalidateQueries({
      queryKey: incidentKeys.all,
      predicate: (query) => query.queryKey[1] !== 'detail' || (query.queryKey[2] === id && !isDetail(detail)),
    });
  };
}

const isDetail = (value: unknown): value is IncidentDetail => typeof value === 'object' && value !== null && 'timeline' in value;

export function useCreateIncident() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewIncident) => unwrap(api.POST('/api/v1/incidents', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: incidentKeys.all }),
  });
}

export function usePatchIncident(id: string) {
  const changed = useIncidentChanged();
  return useMutation({
    mutationFn: (body: IncidentPatch) => unwrap(api.PATCH('/api/v1/incidents/{id}', { params: { path: { id } }, body })),
    onSettled: (data) => changed(id, data),
  });
}

export function useAcknowledgeIncident(id: string) {
  const changed = useIncidentChanged();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/incidents/{id}/acknowledge', { params: { path: { id } }, body: {} })),
    onSettled: (data) => changed(id, data),
  });
}

export function usePostUpdate(id: string) {
  const changed = useIncidentChanged();
  return useMutation({
    mutationFn: (body: IncidentUpdate) => unwrap(api.POST('/api/v1/incidents/{id}/updates', { params: { path: { id } }, body })),
    onSettled: (data) => changed(id, data),
  });
}

export function useResolveIncident(id: string) {
  const changed = useIncidentChanged();
  return useMutation({
    mutationFn: (body: IncidentResolve) => unwrap(api.POST('/api/v1/incidents/{id}/resolve', { params: { path: { id } }, body })),
    onSettled: (data) => changed(id, data),
  });
}

export function useSavePostmortem(id: string) {
  const changed = useIncidentChanged();
  return useMutation({
    mutationFn: (postmortem: string) => unwrap(api.PUT('/api/v1/incidents/{id}/postmortem', { params: { path: { id } }, body: { postmortem } })),
    onSettled: (data) => changed(id, data),
  });
}
