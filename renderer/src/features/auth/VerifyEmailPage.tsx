import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { AuthLayout } from './AuthLayout';
import { useVerifyEmail } from './queries';

export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const verify = useVerifyEmail();
  const sent = useRef(false);
  useEffect(() => {
    // A verification token works once: StrictMode's second effect run must not spend it again.
    if (!token || sent.current) return;
    sent.current = true;
    verify.mutate({ token });
  }, [token, verify]);
  return (
    <AuthLayout title="Confirm your email" footer={<Link to="/">Open Nightshift</Link>}>
      {!token ? <p role="alert" className="error">This link has no verification token. Open the link from the mail again.</p> : null}
      {verify.isPending ? <p role="status">Confirming…</p> : null}
      {verify.isSuccess ? <p role="status">Your email address is confirmed.</p> : null}
      <ErrorMessage error={verify.error} />
    </AuthLayout>
  );
}
