import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../../api/client';
import { PAGE_SIZE, usePagedList } from '../../lib/paged-list';

export type Invite = paths['/api/v1/me/invites']['get']['responses'][200]['content']['application/json']['data'][number];
export type NewInvite = paths['/api/v1/me/invites']['post']['requestBody']['content']['application/json'];

export const inviteKeys = {
  all: ['invites'] as const,
  list: () => [...inviteKeys.all, 'list'] as const,
};

export function useInvites() {
  return usePagedList(inviteKeys.list(), (offset, signal) =>
    unwrap(api.GET('/api/v1/me/invites', { params: { query: { limit: PAGE_SIZE, offset } }, signal })),
  );
}

export function useCreateInvite() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewInvite) => unwrap(api.POST('/api/v1/me/invites', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: inviteKeys.all }),
  });
}

export function useRevokeInvite() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/me/invites/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: inviteKeys.all }),
  });
}
