-- Runbooks (DESIGN.md §6): procedures and every version of them. A procedure row holds what lists,
-- filters and suggestions read (a copy of its latest version's fields); each version is kept whole
-- and never changes, so `GET /procedures/{id}?version=N` and executions can read any of them.

CREATE TABLE procedures (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  -- JSON array of strings.
  tags TEXT NOT NULL DEFAULT '[]',
  -- JSON array of service ids (not a foreign key: a deleted service leaves its id behind harmlessly).
  service_ids TEXT NOT NULL DEFAULT '[]',
  -- JSON object of label → value ("*": any value) that an incident's alert must all carry.
  alert_labels TEXT NOT NULL DEFAULT '{}',
  step_count INTEGER NOT NULL DEFAULT 0,
  latest_version INTEGER NOT NULL DEFAULT 1,
  created_by TEXT REFERENCES users(id),
  updated_by TEXT REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- The row's own change counter (as on every table), not the procedure's version number.
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE INDEX procedures_live_updated ON procedures (org_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL;

-- Append-only: a version is written once, so no version column or tombstone of its own.
CREATE TABLE procedure_versions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  procedure_id TEXT NOT NULL REFERENCES procedures(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '[]',
  service_ids TEXT NOT NULL DEFAULT '[]',
  alert_labels TEXT NOT NULL DEFAULT '{}',
  -- JSON arrays in the API's shape (procedures.schemas.ts: Variable, Step).
  variables TEXT NOT NULL DEFAULT '[]',
  steps TEXT NOT NULL DEFAULT '[]',
  step_count INTEGER NOT NULL DEFAULT 0,
  change_note TEXT,
  created_by TEXT REFERENCES users(id),
  created_at TEXT NOT NULL,
  UNIQUE (procedure_id, version)
) STRICT;
