import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { api, unwrap } from '../../api/client';
import { onSignedOut } from '../../api/session-events';
import { LiveConnection, type LiveEvent, type LiveStatus } from './connection';

export type { LiveEvent, LiveStatus } from './connection';

/** The app's one live connection; it runs while a signed-in frame is mounted (useLiveConnection). */
export const live = new LiveConnection({
  fetchTicket: async () => (await unwrap(api.POST('/api/v1/ws/ticket', { body: {} }))).ticket,
  open: (ticket) => new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/v1/ws?ticket=${encodeURIComponent(ticket)}`),
});

/**
 * Starts the connection for a signed-in session and stops it on sign-out or unmount. When events were
 * missed and cannot be replayed (a resync), every query is refetched: what the console shows may be stale.
 */
export function useLiveConnection(): void {
  const client = useQueryClient();
  useEffect(() => live.onResync(() => void client.invalidateQueries()), [client]);
  useEffect(() => {
    live.start();
    const stopOnSignOut = onSignedOut(() => live.stop());
    const retry = () => live.retryNow();
    window.addEventListener('online', retry);
    return () => {
      window.removeEventListener('online', retry);
      stopOnSignOut();
      live.stop();
    };
  }, []);
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(live.onStatus, live.getStatus);
}

/** Calls `handler` for every event on `topic` while the component is mounted. */
export function useLiveEvent(topic: string, handler: (event: LiveEvent) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => live.subscribe(topic, (event) => latest.current(event)), [topic]);
}

/** Calls `handler` when events were missed and could not be replayed after a reconnect. */
export function useLiveResync(handler: () => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => live.onResync(() => latest.current()), []);
}
