import type { FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { AuthLayout } from './AuthLayout';
import { useAcceptInvite } from './queries';

export function AcceptInvitePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const accept = useAcceptInvite();
  const navigate = useNavigate();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    accept.mutate(
      { token, name: String(form.get('name')), password: String(form.get('password')) },
      { onSuccess: () => navigate('/', { replace: true }) },
    );
  };
  return (
    <AuthLayout title="Join your team on Nightshift">
      {!token ? (
        <p role="alert" className="error">This invitation link has no token. Open the link from the mail again.</p>
      ) : (
        <form onSubmit={submit} className="form">
          <Field label="Your name" name="name" autoComplete="name" required maxLength={200} autoFocus />
          <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} hint="At least 8 characters." />
          <ErrorMessage error={accept.error} />
          <button type="submit" className="primary" disabled={accept.isPending}>
            Accept invitation
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
