-- Notifications to people (in the console), the rules that choose them, and the outbound webhook
-- channel: org endpoints, the org's signing-secret generation and the delivery outbox.

-- One per person per event worth telling them about; the console lists them and marks them read.
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL CHECK (kind IN ('incident_opened', 'incident_assigned', 'incident_resolved')),
  incident_id TEXT REFERENCES incidents(id),
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  severity TEXT CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  read_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_user_unread ON notifications (user_id, created_at DESC, id DESC) WHERE read_at IS NULL;
-- Who has already been told about an incident (so nobody is told twice, and resolution reaches them).
CREATE INDEX notifications_incident ON notifications (incident_id, user_id);

-- Which new incidents a person wants to hear of. A person without rules gets the default
-- (critical and high, any service); a disabled rule matches nothing, so it can mute them.
CREATE TABLE notification_rules (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL DEFAULT '',
  severities TEXT NOT NULL,
  -- JSON array of service ids; empty: every incident, whatever its services.
  service_ids TEXT NOT NULL DEFAULT '[]',
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE INDEX notification_rules_user ON notification_rules (org_id, user_id, created_at) WHERE deleted_at IS NULL;

-- Where the organization's events are POSTed, signed per Standard Webhooks.
CREATE TABLE outbound_endpoints (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  -- JSON array of event types; empty: every event.
  event_types TEXT NOT NULL DEFAULT '[]',
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_by TEXT REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE INDEX outbound_endpoints_org ON outbound_endpoints (org_id, created_at) WHERE deleted_at IS NULL;

-- The signing secret itself is never stored: it is derived from the server's key and this
-- generation, which a rotation raises. The previous one still signs until previous_valid_until.
CREATE TABLE outbound_secrets (
  org_id TEXT PRIMARY KEY REFERENCES organizations(id),
  generation INTEGER NOT NULL,
  rotated_at TEXT NOT NULL,
  previous_valid_until TEXT
) STRICT;

-- The outbox: a row per event per endpoint, written before anything is sent, so deliveries survive a
-- restart. The id is the webhook-id header, the same on every attempt; payload is the exact body.
CREATE TABLE outbound_deliveries (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  endpoint_id TEXT NOT NULL REFERENCES outbound_endpoints(id),
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_attempt_at TEXT,
  last_status_code INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT
) STRICT;
CREATE INDEX outbound_deliveries_due ON outbound_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbound_deliveries_endpoint ON outbound_deliveries (endpoint_id, created_at DESC, id DESC);
CREATE INDEX outbound_deliveries_finished ON outbound_deliveries (created_at) WHERE status <> 'pending';
