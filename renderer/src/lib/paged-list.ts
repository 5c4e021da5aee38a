import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';

export const PAGE_SIZE = 100;

interface Page<T> {
  data: T[];
  meta: { total: number; offset: number };
}

/**
 * Every row of a list route, a page at a time as the person scrolls: nothing is cut off at 100. The
 * result spreads straight into <VirtualTable>.
 */
export function usePagedList<T>(queryKey: QueryKey, fetchPage: (offset: number, signal: AbortSignal) => Promise<Page<T>>) {
  const query = useInfiniteQuery({
    queryKey,
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    getNextPageParam: (last: Page<T>) => {
      const next = last.meta.offset + last.data.length;
      return last.data.length > 0 && next < last.meta.total ? next : undefined;
    },
  });
  const rows = useMemo(() => query.data?.pages.flatMap((page) => page.data) ?? [], [query.data]);
  const { fetchNextPage } = query;
  const onLoadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  return {
    rows,
    total: query.data?.pages.at(-1)?.meta.total ?? 0,
    loaded: query.data !== undefined,
    hasMore: query.hasNextPage,
    loadingMore: query.isFetchingNextPage,
    onLoadMore,
    error: query.error,
  };
}
