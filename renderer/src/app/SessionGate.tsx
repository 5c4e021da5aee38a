import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation } from 'react-router';
import { onSignedOut } from '../api/session-events';
import { ErrorMessage } from '../components/ErrorMessage';
import { authKeys, useMe } from '../features/auth/queries';

/** When the API layer finds the session gone, drop cached data and show the sign-in page. */
export function useSignedOutHandler(): void {
  const client = useQueryClient();
  useEffect(
    () =>
      onSignedOut(() => {
        client.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
        client.setQueryData(authKeys.me(), null);
      }),
    [client],
  );
}

/** Pages of a signed-in person; anyone else is sent to sign in and brought back afterwards. */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <p className="splash" role="status">Loading Nightshift…</p>;
  if (me.isError) {
    return (
      <main className="splash">
        <ErrorMessage error={me.error} />
        <button type="button" onClick={() => void me.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  if (!me.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

/** Sign-in and register make no sense with a session: go to the console instead. */
export function RedirectIfSignedIn() {
  const me = useMe();
  if (me.isPending) return <p className="splash" role="status">Loading Nightshift…</p>;
  if (me.data) return <Navigate to="/" replace />;
  return <Outlet />;
}
