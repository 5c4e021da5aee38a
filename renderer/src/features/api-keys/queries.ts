import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../../api/client';
import { PAGE_SIZE, usePagedList } from '../../lib/paged-list';

export type ApiKey = paths['/api/v1/api-keys']['get']['responses'][200]['content']['application/json']['data'][number];
export type NewApiKey = paths['/api/v1/api-keys']['post']['requestBody']['content']['application/json'];
export type CreatedApiKey = paths['/api/v1/api-keys']['post']['responses'][201]['content']['application/json'];

export const apiKeyKeys = {
  all: ['api-keys'] as const,
  list: () => [...apiKeyKeys.all, 'list'] as const,
};

export function useApiKeys() {
  return usePagedList(apiKeyKeys.list(), (offset, signal) =>
    unwrap(api.GET('/api/v1/api-keys', { params: { query: { limit: PAGE_SIZE, offset } }, signal })),
  );
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewApiKey) => unwrap(api.POST('/api/v1/api-keys', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}
