import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { reportOpenIncidents } from '../../lib/desktop';
import { useLiveEvent, useLiveResync } from '../live/live';
import { useCoalescedInvalidate } from './live-refresh';

export const incidentKeys = {
  all: ['incidents'] as const,
  openCount: () => [...incidentKeys.all, 'active', 'count'] as const,
};

const POLL_MS = 30_000;

// Events that can change how many incidents are open: a new one, a resolve, a re-open (an update).
const COUNT_EVENTS = new Set(['incident.created', 'incident.updated', 'incident.resolved']);

/** The number of incidents not resolved yet: polled, and refreshed at once when one opens, resolves or re-opens. */
export function useOpenIncidentCount(): number | null {
  const query = useQuery({
    queryKey: incidentKeys.openCount(),
    queryFn: async () => (await unwrap(api.GET('/api/v1/incidents/active', { params: { query: { limit: 1 } } }))).meta.total,
    refetchInterval: POLL_MS,
    // The desktop tray shows the count while the window is hidden.
    refetchIntervalInBackground: true,
  });
  // At most one count request a second, however many incidents change at once.
  const refresh = useCoalescedInvalidate(incidentKeys.openCount());
  useLiveEvent('incidents', (event) => {
    if (COUNT_EVENTS.has(event.event)) refresh();
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
