-- Incident lifecycle: resolution and postmortem fields, where an incident came from, its timeline,
-- the services it affects (with the status history that uptime is computed from) and full-text search.

ALTER TABLE incidents ADD COLUMN impact TEXT NOT NULL DEFAULT 'none'
  CHECK (impact IN ('none', 'degraded_performance', 'partial_outage', 'major_outage'));
ALTER TABLE incidents ADD COLUMN root_cause TEXT;
ALTER TABLE incidents ADD COLUMN postmortem TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_updated_at TEXT;
ALTER TABLE incidents ADD COLUMN postmortem_updated_by TEXT REFERENCES users(id);
ALTER TABLE incidents ADD COLUMN resolved_by TEXT REFERENCES users(id);
-- 'manual' or the platform an alert came from (e.g. 'prometheus').
ALTER TABLE incidents ADD COLUMN source TEXT NOT NULL DEFAULT 'manual';
-- No REFERENCES: integrations arrive in a later migration, and an incident outlives its integration.
ALTER TABLE incidents ADD COLUMN integration_id TEXT;
-- The full-text index's rowid. Not the table's own rowid: VACUUM may renumber the rowids of a table
-- without an INTEGER PRIMARY KEY, which would point the index at the wrong incidents.
ALTER TABLE incidents ADD COLUMN search_key INTEGER;
UPDATE incidents SET search_key = rowid;
CREATE UNIQUE INDEX incidents_search_key ON incidents (search_key);

-- Filters and sorts the list offers; these replace 0002's two indexes. Live rows only, and ending in
-- deleted_at (always NULL there) so that counting a filter's total reads the index alone.
DROP INDEX incidents_org_created;
DROP INDEX incidents_org_status;
CREATE INDEX incidents_live_created ON incidents (org_id, created_at DESC, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX incidents_live_status ON incidents (org_id, status, created_at DESC, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX incidents_live_severity ON incidents (org_id, severity, created_at DESC, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX incidents_live_assignee ON incidents (org_id, assignee_id, created_at DESC, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX incidents_live_updated ON incidents (org_id, updated_at DESC, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX incidents_live_severity_rank ON incidents (
  org_id, (CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END) DESC, created_at DESC, deleted_at
) WHERE deleted_at IS NULL;

-- Trigram tokens: a search word matches anywhere inside a word, as the LIKE search it replaces did.
CREATE VIRTUAL TABLE incidents_fts USING fts5(title, description, content = '', contentless_delete = 1, tokenize = 'trigram');
INSERT INTO incidents_fts (rowid, title, description) SELECT search_key, title, description FROM incidents;

-- A row inserted without a search key (every insert: the store leaves it to this trigger) gets the next one.
CREATE TRIGGER incidents_search_insert AFTER INSERT ON incidents BEGIN
  UPDATE incidents SET search_key = (SELECT coalesce(max(search_key), 0) + 1 FROM incidents)
    WHERE id = new.id AND new.search_key IS NULL;
  INSERT INTO incidents_fts (rowid, title, description) SELECT search_key, title, description FROM incidents WHERE id = new.id;
END;
CREATE TRIGGER incidents_search_update AFTER UPDATE OF title, description ON incidents BEGIN
  DELETE FROM incidents_fts WHERE rowid = old.search_key;
  INSERT INTO incidents_fts (rowid, title, description) VALUES (new.search_key, new.title, new.description);
END;
CREATE TRIGGER incidents_search_delete AFTER DELETE ON incidents BEGIN
  DELETE FROM incidents_fts WHERE rowid = old.search_key;
END;

-- Everything that happened to an incident, in order: created, updates, status/severity/assignee
-- changes, acknowledgement, resolution, postmortem, services linked, alerts firing and resolving.
-- Append-only, so no version or tombstone. `kind`'s vocabulary is TIMELINE_KINDS in incidents.schemas.ts.
CREATE TABLE incident_timeline (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  incident_id TEXT NOT NULL REFERENCES incidents(id),
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  actor_id TEXT REFERENCES users(id),
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
  data TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, created_at, id);

CREATE TABLE services (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  current_status TEXT NOT NULL CHECK (current_status IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance')),
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
  tags TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE UNIQUE INDEX services_org_slug_live ON services (org_id, slug) WHERE deleted_at IS NULL;
CREATE INDEX services_org_name ON services (org_id, name);
CREATE INDEX services_org_status ON services (org_id, current_status, name);
CREATE INDEX services_org_visibility ON services (org_id, visibility, name);

-- Each row is a status the service entered at `started_at`, holding until the next row.
CREATE TABLE service_status_history (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  service_id TEXT NOT NULL REFERENCES services(id),
  status TEXT NOT NULL CHECK (status IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance')),
  changed_by TEXT REFERENCES users(id),
  started_at TEXT NOT NULL
) STRICT;
CREATE INDEX service_status_history_service ON service_status_history (service_id, started_at, id);

-- Affected services. Unlinking tombstones the row and linking again adds a new one, so uptime can
-- still count the time the link held.
CREATE TABLE incident_services (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  incident_id TEXT NOT NULL REFERENCES incidents(id),
  service_id TEXT NOT NULL REFERENCES services(id),
  impact TEXT NOT NULL CHECK (impact IN ('none', 'degraded_performance', 'partial_outage', 'major_outage')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at TEXT
) STRICT;
CREATE UNIQUE INDEX incident_services_live ON incident_services (incident_id, service_id) WHERE deleted_at IS NULL;
CREATE INDEX incident_services_service ON incident_services (service_id, incident_id);
