import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isApiError, unwrap, type paths } from '../../api/client';
import { desktop } from '../../lib/desktop';

export const authKeys = {
  all: ['auth'] as const,
  me: () => [...authKeys.all, 'me'] as const,
};

export type Me = paths['/api/v1/auth/me']['get']['responses'][200]['content']['application/json'];
export type Role = Me['role'];
export const ROLES: readonly Role[] = ['viewer', 'engineer', 'admin', 'owner'];

async function currentPerson(): Promise<Me | null> {
  try {
    return await unwrap(api.GET('/api/v1/auth/me'));
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

/**
 * In the desktop shell the local owner never types a password: main hands out a one-time token
 * once per server start, which the server trades for the usual session cookies.
 */
async function desktopSignIn(): Promise<boolean> {
  const token = await desktop?.bootstrapSession?.();
  if (!token) return false;
  await unwrap(api.POST('/api/v1/auth/bootstrap', { body: { token: token.token } }));
  return true;
}

/** The signed-in person, or null when there is no session (a 401 is an answer here, not an error). */
export function useMe() {
  return useQuery({
    queryKey: authKeys.me(),
    queryFn: async (): Promise<Me | null> => (await currentPerson()) ?? ((await desktopSignIn()) ? currentPerson() : null),
    staleTime: 5 * 60_000,
  });
}

/** After any call that sets or clears the session cookies, forget everything cached for the old one. */
function useSessionChanged() {
  const client = useQueryClient();
  return async () => {
    client.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
    await client.invalidateQueries({ queryKey: authKeys.me() });
  };
}

export function useSignIn() {
  const changed = useSessionChanged();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => unwrap(api.POST('/api/v1/auth/login', { body })),
    onSuccess: changed,
  });
}

export function useRegister() {
  const changed = useSessionChanged();
  return useMutation({
    mutationFn: (body: { email: string; password: string; name: string; organization_name?: string }) =>
      unwrap(api.POST('/api/v1/auth/register', { body })),
    onSuccess: changed,
  });
}

export function useAcceptInvite() {
  const changed = useSessionChanged();
  return useMutation({
    mutationFn: (body: { token: string; name: string; password: string }) => unwrap(api.POST('/api/v1/auth/accept-invite', { body })),
    onSuccess: changed,
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/logout', { body: {} })),
    onSettled: () => {
      client.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
      client.setQueryData(authKeys.me(), null);
    },
  });
}

export function useForgotPassword() {
  return useMutation({
    mutationFn: (body: { email: string }) => unwrap(api.POST('/api/v1/auth/forgot-password', { body })),
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: (body: { token: string; new_password: string }) => unwrap(api.POST('/api/v1/auth/reset-password', { body })),
  });
}

export function useVerifyEmail() {
  return useMutation({
    mutationFn: (body: { token: string }) => unwrap(api.POST('/api/v1/auth/verify-email', { body })),
  });
}
