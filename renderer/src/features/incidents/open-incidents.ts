import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { reportOpenIncidents } from '../../lib/desktop';
import { useLiveEvent, useLiveResync } from '../live/live';

export const incidentKeys = {
  all: ['incidents'] as const,
  openCount: () => [...incidentKeys.all, 'active', 'count'] as const,
};

const POLL_MS = 30_000;

/** The number of incidents not resolved yet: polled, and refreshed at once when one is created. */
export function useOpenIncidentCount(): number | null {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: incidentKeys.openCount(),
    queryFn: async () => (await unwrap(api.GET('/api/v1/incidents/active', { params: { query: { limit: 1 } } }))).meta.total,
    refetchInterval: POLL_MS,
    // The desktop tray shows the count while the window is hidden.
    refetchIntervalInBackground: true,
  });
  const refresh = () => void client.invalidateQueries({ queryKey: incidentKeys.openCount() });
  useLiveEvent('incidents', (event) => {
    if (event.event === 'incident.created') refresh();
  });
  useLiveResync(refresh);
  return query.data ?? null;
}

/** Keeps the desktop tray's count current while signed in; null once the frame goes (sign-out). */
export function useReportOpenIncidents(): void {
  const count = useOpenIncidentCount();
  useEffect(() => reportOpenIncidents(count), [count]);
  useEffect(() => () => reportOpenIncidents(null), []);
}
