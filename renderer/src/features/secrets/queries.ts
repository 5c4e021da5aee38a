import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { PAGE_SIZE } from '../../lib/paged-list';

export const secretKeys = { all: ['secrets'] as const };

/** Names only (the first hundred): the API never returns a secret's value. */
export function useSecrets() {
  return useQuery({
    queryKey: secretKeys.all,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/secrets', { params: { query: { limit: PAGE_SIZE } }, signal })),
  });
}

export function usePutSecret() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ name, value }: { name: string; value: string }) => unwrap(api.PUT('/api/v1/secrets/{name}', { params: { path: { name } }, body: { value } })),
    onSuccess: () => client.invalidateQueries({ queryKey: secretKeys.all }),
  });
}

export function useDeleteSecret() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(api.DELETE('/api/v1/secrets/{name}', { params: { path: { name } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: secretKeys.all }),
  });
}
