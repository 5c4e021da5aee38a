import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../../api/client';
import { PAGE_SIZE, usePagedList } from '../../lib/paged-list';
import type { Role } from '../auth/queries';

export type User = paths['/api/v1/users']['get']['responses'][200]['content']['application/json']['data'][number];

export const userKeys = {
  all: ['users'] as const,
  list: () => [...userKeys.all, 'list'] as const,
};

export function useUsers() {
  return usePagedList(userKeys.list(), (offset, signal) =>
    unwrap(api.GET('/api/v1/users', { params: { query: { limit: PAGE_SIZE, offset } }, signal })),
  );
}

export function useChangeRole() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) => unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { role } })),
    onSettled: () => client.invalidateQueries({ queryKey: userKeys.all }),
  });
}

export function useRemoveUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/users/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: userKeys.all }),
  });
}
