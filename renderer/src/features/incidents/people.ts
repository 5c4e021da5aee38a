import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

/** The organization's people as choices (assignee); the first hundred, which covers a team. */
export function useUserOptions(): { value: string; label: string }[] {
  const query = useQuery({
    queryKey: ['users', 'options'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/users', { params: { query: { limit: 100 } }, signal })),
    staleTime: 5 * 60_000,
  });
  return (query.data?.data ?? []).map((user) => ({ value: user.id, label: user.name }));
}
