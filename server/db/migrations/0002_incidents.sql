-- Incidents: the record the on-call engineer works. Later migrations add timeline, alerts and services.
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  status TEXT NOT NULL CHECK (status IN ('active', 'investigating', 'identified', 'monitoring', 'mitigated', 'resolved')),
  visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'internal')),
  assignee_id TEXT REFERENCES users(id),
  created_by TEXT REFERENCES users(id),
  acknowledged_at TEXT,
  acknowledged_by TEXT REFERENCES users(id),
  resolved_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE INDEX incidents_org_created ON incidents (org_id, created_at DESC);
CREATE INDEX incidents_org_status ON incidents (org_id, status, created_at DESC);
