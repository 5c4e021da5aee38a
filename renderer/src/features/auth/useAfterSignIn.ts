import { useNavigate, useSearchParams } from 'react-router';

/** Where to go once signed in: back to the deep link that sent the person here, if it is ours. */
export function useAfterSignIn(): () => void {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return () => {
    const next = params.get('next');
    navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
  };
}
