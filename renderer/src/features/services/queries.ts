import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../../api/client';
import { PAGE_SIZE, usePagedList } from '../../lib/paged-list';

type ListRoute = paths['/api/v1/services']['get'];
export type Service = ListRoute['responses'][200]['content']['application/json']['data'][number];
export type ServiceStatus = Service['current_status'];
export type ServiceListQuery = NonNullable<ListRoute['parameters']['query']>;
export type NewService = paths['/api/v1/services']['post']['requestBody']['content']['application/json'];
export type ServicePatch = NonNullable<paths['/api/v1/services/{id}']['patch']['requestBody']>['content']['application/json'];
export type ServiceUptime = paths['/api/v1/services/{id}/uptime']['get']['responses'][200]['content']['application/json'];

export const SERVICE_STATUSES: readonly ServiceStatus[] = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'];

export const serviceKeys = {
  all: ['services'] as const,
  list: (filters: { search?: string; status?: string }) => [...serviceKeys.all, 'list', filters] as const,
  options: () => [...serviceKeys.all, 'options'] as const,
  uptime: (id: string) => [...serviceKeys.all, 'uptime', id] as const,
};

export function useServices(filters: { search?: string; status?: string }) {
  const query: ServiceListQuery = {};
  if (filters.search) query.search = filters.search;
  if (filters.status) query.status = filters.status as ServiceStatus;
  return usePagedList(serviceKeys.list(filters), (offset, signal) =>
    unwrap(api.GET('/api/v1/services', { params: { query: { ...query, limit: PAGE_SIZE, offset } }, signal })),
  );
}

/** Services as choices (filters, linking); the first hundred by name. */
export function useServiceOptions(): { value: string; label: string }[] {
  const query = useQuery({
    queryKey: serviceKeys.options(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/services', { params: { query: { limit: 100 } }, signal })),
  });
  return (query.data?.data ?? []).map((service) => ({ value: service.id, label: service.name }));
}

export function useServiceUptime(id: string) {
  return useQuery({
    queryKey: serviceKeys.uptime(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/services/{id}/uptime', { params: { path: { id } }, signal })),
    staleTime: 60_000,
  });
}

export function useCreateService() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewService) => unwrap(api.POST('/api/v1/services', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: serviceKeys.all }),
  });
}

export function usePatchService() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ServicePatch }) => unwrap(api.PATCH('/api/v1/services/{id}', { params: { path: { id } }, body })),
    onSettled: () => client.invalidateQueries({ queryKey: serviceKeys.all }),
  });
}

export function useDeleteService() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/services/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: serviceKeys.all }),
  });
}
