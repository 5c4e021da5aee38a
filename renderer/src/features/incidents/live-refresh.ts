import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';

/**
 * Refetches `queryKey` after live events, at most once per `ms`: an alert storm becomes one refetch a
 * second, not one per alert, and the list stays responsive. A refetch still running is never
 * cancelled (a slow one would otherwise never finish during a storm): the next waits for it.
 */
export function useCoalescedInvalidate(queryKey: QueryKey, ms = 1000): () => void {
  const client = useQueryClient();
  const key = useRef(queryKey);
  key.current = queryKey;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const last = useRef(0);

  useEffect(() => () => clearTimeout(timer.current), []);

  return useCallback(() => {
    if (timer.current !== undefined) return;
    const wait = Math.max(0, last.current + ms - Date.now());
    const fire = () => {
      if (client.isFetching({ queryKey: key.current }) > 0) {
        timer.current = setTimeout(fire, ms);
        return;
      }
      timer.current = undefined;
      last.current = Date.now();
      void client.invalidateQueries({ queryKey: key.current });
    };
    timer.current = setTimeout(fire, wait);
  }, [client, ms]);
}
