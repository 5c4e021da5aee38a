import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../../api/client';
import { PAGE_SIZE, usePagedList } from '../../lib/paged-list';

export type NotificationRule = paths['/api/v1/notifications/rules']['get']['responses'][200]['content']['application/json']['data'][number];
export type NewNotificationRule = paths['/api/v1/notifications/rules']['post']['requestBody']['content']['application/json'];
export type RulePatch = paths['/api/v1/notifications/rules/{id}']['patch']['requestBody']['content']['application/json'];

export const notificationKeys = {
  all: ['notifications'] as const,
  rules: () => [...notificationKeys.all, 'rules'] as const,
};

export function useNotificationRules() {
  return usePagedList(notificationKeys.rules(), (offset, signal) =>
    unwrap(api.GET('/api/v1/notifications/rules', { params: { query: { limit: PAGE_SIZE, offset } }, signal })),
  );
}

function useRulesChanging<TVariables, TResult>(mutationFn: (variables: TVariables) => Promise<TResult>) {
  const client = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => client.invalidateQueries({ queryKey: notificationKeys.rules() }) });
}

export const useCreateRule = () => useRulesChanging((body: NewNotificationRule) => unwrap(api.POST('/api/v1/notifications/rules', { body })));

export const usePatchRule = () =>
  useRulesChanging(({ id, body }: { id: string; body: RulePatch }) => unwrap(api.PATCH('/api/v1/notifications/rules/{id}', { params: { path: { id } }, body })));

export const useDeleteRule = () => useRulesChanging((id: string) => unwrap(api.DELETE('/api/v1/notifications/rules/{id}', { params: { path: { id } } })));
