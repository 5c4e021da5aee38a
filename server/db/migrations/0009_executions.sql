-- Runbook executions (DESIGN.md §6): one run of a pinned procedure version, step by step. The steps
-- are a snapshot of that version, so an execution reads the same whatever happens to the procedure.

CREATE TABLE executions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  -- The procedure may be tombstoned later; its row stays, so the reference holds.
  procedure_id TEXT NOT NULL REFERENCES procedures(id),
  procedure_version INTEGER NOT NULL,
  title TEXT NOT NULL,
  incident_id TEXT REFERENCES incidents(id),
  status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'completed', 'cancelled')),
  -- JSON object of variable name → value, as the execution was started with (defaults filled in).
  variables TEXT NOT NULL DEFAULT '{}',
  notes TEXT NOT NULL DEFAULT '',
  started_by TEXT REFERENCES users(id),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE INDEX executions_org ON executions (org_id, started_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX executions_incident ON executions (incident_id, started_at DESC) WHERE incident_id IS NOT NULL;
CREATE INDEX executions_procedure ON executions (procedure_id, started_at DESC);

-- One row per step of an execution, holding its latest attempt; every attempt's whole output is a
-- file in the data dir (executions/<execution id>/<position>-<attempt>.log), the row keeps its tail.
CREATE TABLE execution_steps (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  execution_id TEXT NOT NULL REFERENCES executions(id),
  position INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('manual', 'command', 'http', 'wait')),
  title TEXT NOT NULL,
  instructions TEXT NOT NULL DEFAULT '',
  -- JSON: the step's command, http or wait object from the snapshot (null for manual steps).
  spec TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped', 'interrupted')),
  attempt INTEGER NOT NULL DEFAULT 0,
  -- The last 64 KiB of the latest attempt's output, secrets redacted; output_bytes is the whole file's size.
  output TEXT NOT NULL DEFAULT '',
  output_bytes INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER,
  reason TEXT,
  started_at TEXT,
  finished_at TEXT,
  actor_id TEXT REFERENCES users(id),
  -- While a command runs: its process group, so a restart after a crash can end what is left of it.
  pid INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT,
  UNIQUE (execution_id, position),
  UNIQUE (execution_id, step_id)
) STRICT;
CREATE INDEX execution_steps_running ON execution_steps (status) WHERE status = 'running';
