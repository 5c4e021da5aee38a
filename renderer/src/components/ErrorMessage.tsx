import { isApiError } from '../api/errors';

/** An error in words, with the request id a person can quote when asking for help. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  if (!isApiError(error)) {
    return (
      <div role="alert" className="error">
        <p>{error instanceof Error ? error.message : 'Something went wrong.'}</p>
      </div>
    );
  }
  return (
    <div role="alert" className="error">
      <p>
        {error.message} <span className="error-code">({error.code})</span>
      </p>
      {error.fields?.length ? (
        <ul>
          {error.fields.map((field) => (
            <li key={`${field.path}:${field.code}`}>
              {field.path ? <code>{field.path}</code> : null} {field.message}
            </li>
          ))}
        </ul>
      ) : null}
      {error.requestId ? <p className="error-request">Request ID: <code>{error.requestId}</code></p> : null}
    </div>
  );
}
