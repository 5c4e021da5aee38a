import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../../api/client';

type Route = paths['/api/v1/analytics']['get'];
export type Analytics = Route['responses'][200]['content']['application/json'];
export type AnalyticsQuery = NonNullable<Route['parameters']['query']>;

export const analyticsKeys = {
  all: ['analytics'] as const,
  report: (query: AnalyticsQuery) => [...analyticsKeys.all, query] as const,
};

export function useAnalytics(query: AnalyticsQuery) {
  return useQuery({
    queryKey: analyticsKeys.report(query),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/analytics', { params: { query }, signal })),
  });
}
