-- The incident list at 100k incidents (issue 4: any filter and a page of 50 within 5 ms at the API).
-- See incident-list.store.ts for how a list request picks among these.

-- 1. List indexes whose order ends in id, so ORDER BY <field>, id is read from the index with no sort
--    step, and that carry every column the other filters and the sorts use, so a page is chosen in the
--    index alone and the table is read for the rows returned only. They replace 0004's, which had neither.
DROP INDEX incidents_live_created;
DROP INDEX incidents_live_status;
DROP INDEX incidents_live_severity;
DROP INDEX incidents_live_assignee;
DROP INDEX incidents_live_updated;
DROP INDEX incidents_live_severity_rank;
CREATE INDEX incidents_list_created ON incidents (org_id, created_at, id, status, severity, assignee_id, updated_at, deleted_at)
  WHERE deleted_at IS NULL;
CREATE INDEX incidents_list_updated ON incidents (org_id, updated_at, id, status, severity, assignee_id, created_at, deleted_at)
  WHERE deleted_at IS NULL;
-- The expression must stay the store's SEVERITY_RANK, so that the severity sort can use it.
CREATE INDEX incidents_list_severity_rank ON incidents (
  org_id, (CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END), created_at, id,
  status, severity, assignee_id, updated_at, deleted_at
) WHERE deleted_at IS NULL;
CREATE INDEX incidents_list_status ON incidents (org_id, status, created_at, id, severity, assignee_id, updated_at, deleted_at)
  WHERE deleted_at IS NULL;
CREATE INDEX incidents_list_severity ON incidents (org_id, severity, created_at, id, status, assignee_id, updated_at, deleted_at)
  WHERE deleted_at IS NULL;
CREATE INDEX incidents_list_assignee ON incidents (org_id, assignee_id, created_at, id, status, severity, updated_at, deleted_at)
  WHERE deleted_at IS NULL;
-- From a full-text match (the index's rowid is search_key) or a service's link (id) to the filters and
-- the sort keys, without reading the table.
CREATE INDEX incidents_list_search ON incidents (search_key, org_id, deleted_at, status, severity, assignee_id, created_at, updated_at, id);
CREATE INDEX incidents_list_id ON incidents (id, org_id, deleted_at, status, severity, assignee_id, created_at, updated_at);
-- A service's live links, read in the index alone.
CREATE INDEX incident_services_service_live ON incident_services (service_id, org_id, incident_id, deleted_at) WHERE deleted_at IS NULL;

-- 2. How many live incidents each organization has per month of creation, status, severity and
-- assignment, kept by triggers in the writing transaction: the list's total for any mix of status,
-- severity, unassigned and date range without counting 100k rows (months fully inside a date range
-- are summed here, the partial months at its ends are counted in incidents_list_created).
-- Derived data, never synced: rebuilt from incidents whenever needed.
CREATE TABLE incident_counts (
  org_id TEXT NOT NULL,
  -- substr(created_at, 1, 7): 'YYYY-MM'.
  month TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  unassigned INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (org_id, month, status, severity, unassigned)
) STRICT, WITHOUT ROWID;

INSERT INTO incident_counts (org_id, month, status, severity, unassigned, n)
  SELECT org_id, substr(created_at, 1, 7), status, severity, assignee_id IS NULL, count(*)
    FROM incidents WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER incident_counts_insert AFTER INSERT ON incidents WHEN new.deleted_at IS NULL BEGIN
  INSERT INTO incident_counts (org_id, month, status, severity, unassigned, n)
    VALUES (new.org_id, substr(new.created_at, 1, 7), new.status, new.severity, new.assignee_id IS NULL, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER incident_counts_update
  AFTER UPDATE OF org_id, created_at, status, severity, assignee_id, deleted_at ON incidents BEGIN
  UPDATE incident_counts SET n = n - 1
    WHERE old.deleted_at IS NULL AND org_id = old.org_id AND month = substr(old.created_at, 1, 7) AND status = old.status
      AND severity = old.severity AND unassigned = (old.assignee_id IS NULL);
  INSERT INTO incident_counts (org_id, month, status, severity, unassigned, n)
    SELECT new.org_id, substr(new.created_at, 1, 7), new.status, new.severity, new.assignee_id IS NULL, 1 WHERE new.deleted_at IS NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER incident_counts_delete AFTER DELETE ON incidents WHEN old.deleted_at IS NULL BEGIN
  UPDATE incident_counts SET n = n - 1
    WHERE org_id = old.org_id AND month = substr(old.created_at, 1, 7) AND status = old.status
      AND severity = old.severity AND unassigned = (old.assignee_id IS NULL);
END;

-- 3. How many live incidents each service's live links point at (the list's total for a service):
-- links and incidents of the same organization, kept by triggers on both tables. Derived, never synced.
CREATE TABLE service_incident_counts (
  service_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (service_id, org_id)
) STRICT, WITHOUT ROWID;

INSERT INTO service_incident_counts (service_id, org_id, n)
  SELECT l.service_id, l.org_id, count(*) FROM incident_services l JOIN incidents i ON i.id = l.incident_id AND i.org_id = l.org_id
   WHERE l.deleted_at IS NULL AND i.deleted_at IS NULL GROUP BY 1, 2;

CREATE TRIGGER service_incident_counts_link AFTER INSERT ON incident_services WHEN new.deleted_at IS NULL BEGIN
  INSERT INTO service_incident_counts (service_id, org_id, n)
    SELECT new.service_id, new.org_id, 1 WHERE EXISTS (SELECT 1 FROM incidents WHERE id = new.incident_id AND org_id = new.org_id AND deleted_at IS NULL)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER service_incident_counts_relink AFTER UPDATE OF service_id, org_id, incident_id, deleted_at ON incident_services BEGIN
  UPDATE service_incident_counts SET n = n - 1
    WHERE service_id = old.service_id AND org_id = old.org_id AND old.deleted_at IS NULL
      AND EXISTS (SELECT 1 FROM incidents WHERE id = old.incident_id AND org_id = old.org_id AND deleted_at IS NULL);
  INSERT INTO service_incident_counts (service_id, org_id, n)
    SELECT new.service_id, new.org_id, 1
     WHERE new.deleted_at IS NULL AND EXISTS (SELECT 1 FROM incidents WHERE id = new.incident_id AND org_id = new.org_id AND deleted_at IS NULL)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER service_incident_counts_unlink AFTER DELETE ON incident_services WHEN old.deleted_at IS NULL BEGIN
  UPDATE service_incident_counts SET n = n - 1
    WHERE service_id = old.service_id AND org_id = old.org_id
      AND EXISTS (SELECT 1 FROM incidents WHERE id = old.incident_id AND org_id = old.org_id AND deleted_at IS NULL);
END;
-- An incident tombstoned, restored or moved takes its live links out of (or back into) the counts.
CREATE TRIGGER service_incident_counts_incident AFTER UPDATE OF org_id, deleted_at ON incidents BEGIN
  UPDATE service_incident_counts SET n = n - 1
    WHERE old.deleted_at IS NULL AND org_id = old.org_id
      AND service_id IN (SELECT l.service_id FROM incident_services l WHERE l.incident_id = old.id AND l.org_id = old.org_id AND l.deleted_at IS NULL);
  INSERT INTO service_incident_counts (service_id, org_id, n)
    SELECT l.service_id, l.org_id, 1 FROM incident_services l
     WHERE new.deleted_at IS NULL AND l.incident_id = new.id AND l.org_id = new.org_id AND l.deleted_at IS NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER service_incident_counts_incident_delete AFTER DELETE ON incidents WHEN old.deleted_at IS NULL BEGIN
  UPDATE service_incident_counts SET n = n - 1
    WHERE org_id = old.org_id
      AND service_id IN (SELECT l.service_id FROM incident_services l WHERE l.incident_id = old.id AND l.org_id = old.org_id AND l.deleted_at IS NULL);
END;

-- 4. How many live incidents each person is assigned (the list's total and plan for an assignee).
CREATE TABLE assignee_incident_counts (
  org_id TEXT NOT NULL,
  assignee_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (org_id, assignee_id)
) STRICT, WITHOUT ROWID;

INSERT INTO assignee_incident_counts (org_id, assignee_id, n)
  SELECT org_id, assignee_id, count(*) FROM incidents WHERE deleted_at IS NULL AND assignee_id IS NOT NULL GROUP BY 1, 2;

CREATE TRIGGER assignee_incident_counts_insert AFTER INSERT ON incidents WHEN new.deleted_at IS NULL AND new.assignee_id IS NOT NULL BEGIN
  INSERT INTO assignee_incident_counts (org_id, assignee_id, n) VALUES (new.org_id, new.assignee_id, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER assignee_incident_counts_update AFTER UPDATE OF org_id, assignee_id, deleted_at ON incidents BEGIN
  UPDATE assignee_incident_counts SET n = n - 1
    WHERE old.deleted_at IS NULL AND org_id = old.org_id AND assignee_id = old.assignee_id;
  INSERT INTO assignee_incident_counts (org_id, assignee_id, n)
    SELECT new.org_id, new.assignee_id, 1 WHERE new.deleted_at IS NULL AND new.assignee_id IS NOT NULL
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER assignee_incident_counts_delete AFTER DELETE ON incidents WHEN old.deleted_at IS NULL AND old.assignee_id IS NOT NULL BEGIN
  UPDATE assignee_incident_counts SET n = n - 1 WHERE org_id = old.org_id AND assignee_id = old.assignee_id;
END;
