import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { AuthLayout } from './AuthLayout';
import { useRegister } from './queries';
import { useAfterSignIn } from './useAfterSignIn';

export function RegisterPage() {
  const register = useRegister();
  const done = useAfterSignIn();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const organization = String(form.get('organization') ?? '').trim();
    register.mutate(
      {
        name: String(form.get('name')),
        email: String(form.get('email')),
        password: String(form.get('password')),
        ...(organization ? { organization_name: organization } : {}),
      },
      { onSuccess: done },
    );
  };
  return (
    <AuthLayout title="Create an account" footer={<Link to="/sign-in">I already have an account</Link>}>
      <form onSubmit={submit} className="form">
        <Field label="Your name" name="name" autoComplete="name" required maxLength={200} autoFocus />
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} hint="At least 8 characters." />
        <Field label="Organization name" name="organization" maxLength={200} hint="Optional: you become its owner." />
        <ErrorMessage error={register.error} />
        <button type="submit" className="primary" disabled={register.isPending}>
          Create account
        </button>
      </form>
    </AuthLayout>
  );
}
