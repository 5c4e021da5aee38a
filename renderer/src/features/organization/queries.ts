import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../../api/client';
import { authKeys } from '../auth/queries';

export type OrgSettings = paths['/api/v1/organization-settings']['get']['responses'][200]['content']['application/json'];
export type OrgSettingsPatch = paths['/api/v1/organization-settings']['patch']['requestBody']['content']['application/json'];

export const orgKeys = {
  all: ['organization'] as const,
  detail: () => [...orgKeys.all, 'detail'] as const,
  settings: () => [...orgKeys.all, 'settings'] as const,
};

export function useOrganization() {
  return useQuery({ queryKey: orgKeys.detail(), queryFn: () => unwrap(api.GET('/api/v1/organizations')) });
}

export function useRenameOrganization() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(api.PATCH('/api/v1/organizations', { body: { name } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: orgKeys.all });
      // The header shows the organization's name from /auth/me.
      await client.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}

export function useOrgSettings() {
  return useQuery({ queryKey: orgKeys.settings(), queryFn: () => unwrap(api.GET('/api/v1/organization-settings')) });
}

export function useUpdateOrgSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: OrgSettingsPatch) => unwrap(api.PATCH('/api/v1/organization-settings', { body })),
    onSuccess: (settings) => client.setQueryData(orgKeys.settings(), settings),
  });
}
