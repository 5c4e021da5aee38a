/**
 * The closed vocabulary of error codes (DESIGN.md §3). Codes are a contract: never repurpose one,
 * only add. Each maps to exactly one HTTP status so clients can branch on either.
 */
export const ERROR_CODES = {
  MALFORMED_REQUEST: { status: 400, description: 'The body is not valid JSON or form data, or a header is malformed.' },
  IDEMPOTENCY_KEY_TOO_LONG: { status: 400, description: 'Idempotency-Key is longer than 255 characters.' },
  UNAUTHENTICATED: { status: 401, description: 'No credentials were sent.' },
  INVALID_TOKEN: { status: 401, description: 'The token is malformed, forged, of the wrong kind, or unknown.' },
  TOKEN_EXPIRED: { status: 401, description: 'The token has expired.' },
  TOKEN_REVOKED: { status: 401, description: 'The token or session was revoked.' },
  REFRESH_TOKEN_REUSED: { status: 401, description: 'A refresh token was used twice; the whole session was revoked.' },
  INVALID_CREDENTIALS: { status: 401, description: 'Email or password is wrong.' },
  INVALID_SIGNATURE: { status: 401, description: 'A webhook\'s signature (PagerDuty, Grafana HMAC) is missing or does not match its body.' },
  FORBIDDEN: { status: 403, description: 'The caller may not do this.' },
  INSUFFICIENT_ROLE: { status: 403, description: 'The caller\'s role does not allow this.' },
  PAT_SCOPE_INSUFFICIENT: { status: 403, description: 'The API key lacks the scope this route requires.' },
  REGISTRATION_DISABLED: { status: 403, description: 'This server does not accept new registrations.' },
  COMMAND_STEPS_DISABLED: { status: 403, description: 'This organization does not allow runbook command steps to run on the host (organization settings).' },
  NOT_FOUND: { status: 404, description: 'No such object in the caller\'s organization.' },
  ROUTE_NOT_FOUND: { status: 404, description: 'No such route.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The route does not accept this method.' },
  CONFLICT: { status: 409, description: 'The request conflicts with the current state.' },
  SERVICE_SLUG_TAKEN: { status: 409, description: 'Another service in the organization has this slug.' },
  EMAIL_TAKEN: { status: 409, description: 'An account with this email already exists.' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, description: 'A request with this Idempotency-Key is still running; retry later.' },
  PROCEDURE_VERSION_CONFLICT: { status: 409, description: 'The procedure changed since the version this edit was made from (base_version); reload and edit again.' },
  EXECUTION_NOT_RUNNING: { status: 409, description: 'The execution is paused or finished; resume it first.' },
  STEP_NOT_RUNNABLE: { status: 409, description: 'The step\'s status or kind does not allow this action.' },
  EXECUTION_BUSY: { status: 409, description: 'Another step of the execution is running.' },
  EXECUTION_INCOMPLETE: { status: 409, description: 'The execution still has steps pending or running.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than the server accepts.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The Content-Type is not accepted by this route.' },
  VALIDATION_FAILED: { status: 422, description: 'The request does not match the schema; see fields.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, description: 'This Idempotency-Key was used with a different request.' },
  INVALID_SCOPE: { status: 422, description: 'An unknown scope was requested.' },
  INVALID_PASSWORD: { status: 422, description: 'The current password is wrong.' },
  WEAK_PASSWORD: { status: 422, description: 'The password does not meet the policy.' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 422, description: 'The webhook URL is not http(s), or points at a link-local or cloud metadata address.' },
  INVALID_ONE_TIME_TOKEN: { status: 422, description: 'The reset, verification or invite token is invalid, used or expired.' },
  INVALID_STATUS_TRANSITION: { status: 422, description: 'The incident cannot move from its status to the one asked for.' },
  SOLE_OWNER: { status: 422, description: 'The organization\'s only owner cannot be demoted or removed.' },
  BILLING_NOT_AVAILABLE: { status: 422, description: 'A self-hosted instance has no paid plans to check out.' },
  WEBHOOK_PLATFORM_MISMATCH: { status: 422, description: 'The webhook secret belongs to an integration of another platform.' },
  UNRECOGNIZED_PAYLOAD: { status: 422, description: 'The webhook body matches none of the platform\'s payload shapes; it was kept as a dead letter.' },
  INVALID_RUNBOOK_MARKDOWN: { status: 422, description: 'The Markdown runbook could not be read; fields give the line of each problem.' },
  INVALID_STEP_ACTION: { status: 422, description: 'The step action does not apply to this kind of step, or lacks its reason.' },
  SECRET_NOT_FOUND: { status: 422, description: 'A secret the step references is not set in this organization.' },
  HTTP_STEP_URL_NOT_ALLOWED: { status: 422, description: 'The HTTP step\'s URL is not http(s), or points at a link-local or cloud metadata address.' },
  ACCOUNT_LOCKED: { status: 423, description: 'Too many failed logins; try again later or reset the password.' },
  RATE_LIMITED: { status: 429, description: 'Too many requests; see Retry-After.' },
  PAT_DAILY_LIMIT_EXCEEDED: { status: 429, description: 'The API key reached its daily cap; see Retry-After.' },
  INTERNAL_ERROR: { status: 500, description: 'Something failed on the server; quote the request id.' },
  SERVICE_UNAVAILABLE: { status: 503, description: 'The server is shutting down or a dependency is down.' },
  SECRET_STORE_UNAVAILABLE: { status: 503, description: 'The secret store (OS keychain or encrypted file) cannot be used: unreachable, or the key does not open the file. Nothing was changed.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  path: string;
  code: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = ERROR_CODES[code].status;
  }
}

export const notFound = (what = 'Resource'): AppError => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (message: string): AppError => new AppError('FORBIDDEN', message);
export const conflict = (message: string): AppError => new AppError('CONFLICT', message);
export const validation = (path: string, message: string, code = 'invalid'): AppError =>
  new AppError('VALIDATION_FAILED', message, [{ path, code, message }]);
