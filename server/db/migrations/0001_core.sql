-- Accounts, sessions, tokens, mail, audit and idempotency: the foundation every module stands on.
-- Times are RFC 3339 UTC strings; ids are UUIDv7 strings. Synced tables carry version and deleted_at.

CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  slug TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'engineer', 'viewer')),
  password_hash TEXT NOT NULL,
  email_verified_at TEXT,
  password_changed_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE UNIQUE INDEX users_email_live ON users (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX users_org ON users (org_id, created_at);

-- Failed logins are counted per normalised email whether or not an account exists, so a locked
-- answer (423) never tells an attacker that an address is registered.
CREATE TABLE login_failures (
  email_key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_started_at TEXT NOT NULL,
  locked_until TEXT
) STRICT;

-- A session is one refresh-token family: rotation adds tokens, reuse of a used one revokes it.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  org_id TEXT NOT NULL REFERENCES organizations(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_reason TEXT,
  ip TEXT,
  user_agent TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
  jti TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
) STRICT;
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- API keys (/api-keys) and personal access tokens (/me/tokens) are one object.
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  expires_at TEXT,
  daily_mutation_limit INTEGER,
  daily_log_bytes_limit INTEGER,
  last_used_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE INDEX api_tokens_org ON api_tokens (org_id, created_at);
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);

CREATE TABLE token_usage (
  token_id TEXT NOT NULL REFERENCES api_tokens(id),
  day TEXT NOT NULL,
  mutations INTEGER NOT NULL DEFAULT 0,
  log_bytes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (token_id, day)
) STRICT;

-- Single-use secrets mailed to people: password reset, email verification, invitations.
CREATE TABLE one_time_tokens (
  id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_verification')),
  user_id TEXT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
) STRICT;
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'engineer', 'viewer')),
  token_hash TEXT NOT NULL UNIQUE,
  invited_by TEXT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  accepted_at TEXT,
  accepted_user_id TEXT REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE INDEX invites_org ON invites (org_id, created_at);

CREATE TABLE mail_outbox (
  id TEXT PRIMARY KEY,
  org_id TEXT REFERENCES organizations(id),
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'local')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
) STRICT;
CREATE INDEX mail_outbox_status ON mail_outbox (status, created_at);
CREATE INDEX mail_outbox_org ON mail_outbox (org_id, created_at);

-- seq (the rowid) orders the log and pages exports by keyset; id is the public, time-ordered
-- identifier, unique by construction (UUIDv7) and never looked up, so it carries no index: every
-- index is one more page written by every audited mutation.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  org_id TEXT,
  created_at TEXT NOT NULL,
  actor_user_id TEXT,
  actor_token_id TEXT,
  actor_email TEXT,
  ip TEXT,
  user_agent TEXT,
  request_id TEXT,
  action TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT,
  meta TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX audit_org_time ON audit_log (org_id, seq);
CREATE INDEX audit_org_action ON audit_log (org_id, action, seq);
CREATE INDEX audit_org_actor ON audit_log (org_id, actor_user_id, seq);
CREATE INDEX audit_org_token ON audit_log (org_id, actor_token_id, seq);

CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
  status_code INTEGER,
  content_type TEXT,
  response_body TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (scope, key)
) STRICT;
CREATE INDEX idempotency_created ON idempotency_keys (created_at);
