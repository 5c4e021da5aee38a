import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { AuthLayout } from './AuthLayout';
import { useResetPassword } from './queries';

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const reset = useResetPassword();
  const [mismatch, setMismatch] = useState(false);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password'));
    setMismatch(password !== String(form.get('confirm')));
    if (password === String(form.get('confirm'))) reset.mutate({ token, new_password: password });
  };
  return (
    <AuthLayout title="Choose a new password" footer={<Link to="/sign-in">Back to sign in</Link>}>
      {!token ? (
        <p role="alert" className="error">This link has no reset token. Open the link from the mail again, or ask for a new one.</p>
      ) : reset.isSuccess ? (
        <p role="status">
          Your password is changed and every session of your account has ended. <Link to="/sign-in">Sign in</Link> with the new one.
        </p>
      ) : (
        <form onSubmit={submit} className="form">
          <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} autoFocus />
          <Field label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required />
          {mismatch ? <p role="alert" className="error">The two passwords differ.</p> : null}
          <ErrorMessage error={reset.error} />
          <button type="submit" className="primary" disabled={reset.isPending}>
            Set new password
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
