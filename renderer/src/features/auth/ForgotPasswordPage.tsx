import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { AuthLayout } from './AuthLayout';
import { useForgotPassword } from './queries';

export function ForgotPasswordPage() {
  const forgot = useForgotPassword();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    forgot.mutate({ email: String(new FormData(event.currentTarget).get('email')) });
  };
  return (
    <AuthLayout title="Reset your password" footer={<Link to="/sign-in">Back to sign in</Link>}>
      {forgot.isSuccess ? (
        <p role="status">
          If an account uses that address, a reset link is on its way. Without a mail server, an admin finds the link in the
          local outbox.
        </p>
      ) : (
        <form onSubmit={submit} className="form">
          <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
          <ErrorMessage error={forgot.error} />
          <button type="submit" className="primary" disabled={forgot.isPending}>
            Send reset link
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
