-- Alerts in (DESIGN.md §5): integrations that senders post to, the alerts they raise (each tied to the
-- incident it opened or joined), delivery ids already handled, and payloads no parser understood.

-- The webhook secret is kept only as a SHA-256 hash (shown once, rotatable). Signing secrets and
-- platform credentials are needed in clear to verify and call, so they are sealed (AES-256-GCM) with
-- a key derived from the data dir's server key: the database alone never holds them in plaintext.
CREATE TABLE integrations (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  platform TEXT NOT NULL CHECK (platform IN ('datadog', 'prometheus', 'grafana', 'pagerduty', 'newrelic', 'cloudwatch', 'signoz', 'generic', 'elasticsearch')),
  name TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  secret_hash TEXT NOT NULL,
  secret_prefix TEXT NOT NULL,
  signing_secret TEXT,
  settings TEXT NOT NULL DEFAULT '{}',
  credentials TEXT,
  default_severity TEXT CHECK (default_severity IN ('critical', 'high', 'medium', 'low')),
  service_id TEXT REFERENCES services(id),
  -- JSON array of label names, or NULL to keep the source's own grouping.
  group_by TEXT,
  -- The last SNS SubscriptionConfirmation, as JSON, for a person to confirm.
  subscription TEXT,
  last_received_at TEXT,
  created_by TEXT REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE UNIQUE INDEX integrations_secret ON integrations (secret_hash);
CREATE INDEX integrations_org ON integrations (org_id, created_at DESC);
CREATE INDEX integrations_org_platform ON integrations (org_id, platform, created_at DESC);

-- One row per alert per incident: an alert that fires again after its incident was resolved gets a
-- new row in the new incident. `dedup_key` is the source's identity verbatim; `group_key` decides
-- which open incident a new alert joins.
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  integration_id TEXT NOT NULL REFERENCES integrations(id),
  incident_id TEXT NOT NULL REFERENCES incidents(id),
  source TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  group_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  labels TEXT NOT NULL DEFAULT '{}',
  links TEXT NOT NULL DEFAULT '[]',
  starts_at TEXT,
  ends_at TEXT,
  received_at TEXT NOT NULL,
  last_received_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE INDEX alerts_dedup ON alerts (integration_id, dedup_key, created_at DESC);
CREATE INDEX alerts_group ON alerts (integration_id, group_key, created_at DESC);
CREATE INDEX alerts_incident ON alerts (incident_id, status);
CREATE INDEX alerts_org_received ON alerts (org_id, received_at DESC);
CREATE INDEX alerts_org_status ON alerts (org_id, status, received_at DESC);
CREATE INDEX alerts_org_severity ON alerts (org_id, severity, received_at DESC);
CREATE INDEX alerts_org_integration ON alerts (org_id, integration_id, received_at DESC);

-- Delivery ids (SNS MessageId, PagerDuty event id, Datadog $ID, X-Delivery-ID) already handled, with
-- the answer given, so a retried delivery changes nothing and gets the same answer. Kept 7 days.
CREATE TABLE webhook_deliveries (
  integration_id TEXT NOT NULL REFERENCES integrations(id),
  delivery_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  response TEXT NOT NULL,
  PRIMARY KEY (integration_id, delivery_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);

-- Authenticated payloads that no parser understood: never dropped silently, shown to admins.
CREATE TABLE webhook_dead_letters (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  integration_id TEXT NOT NULL REFERENCES integrations(id),
  platform TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  content_type TEXT,
  headers TEXT NOT NULL DEFAULT '{}',
  body TEXT NOT NULL,
  body_bytes INTEGER NOT NULL,
  truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
  request_id TEXT,
  received_at TEXT NOT NULL
) STRICT;
CREATE INDEX webhook_dead_letters_integration ON webhook_dead_letters (integration_id, received_at DESC);
