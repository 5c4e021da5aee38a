import type { IncidentAlert, IncidentExecution, Severity, Status, TimelineKind, TimelineVisibility } from './incidents.schemas';

/**
 * The seam alert ingestion uses to open, grow and resolve incidents without importing this module's
 * internals. Every method runs inside the caller's transaction (nested `transact` calls are
 * savepoints) and announces its changes with `transact.afterCommit`, so a rolled-back ingest
 * announces nothing.
 */
export interface IncidentAlertPort {
  /** Opens an incident for a new alert group; the timeline gets a `created` entry naming the source. */
  openFromAlert(
    orgId: string,
    input: {
      title: string;
      description: string;
      severity: Severity;
      serviceId: string | null;
      /** The platform, e.g. `prometheus`. */
      source: string;
      integrationId: string;
      at: string;
    },
  ): { id: string };
  /** Appends to an incident's timeline (e.g. `alert_firing`, `alert_resolved`) and publishes `timeline.entry`. */
  addTimelineEntry(
    orgId: string,
    incidentId: string,
    entry: {
      kind: TimelineKind;
      message: string;
      actorId?: string | null;
      visibility?: TimelineVisibility;
      data?: Record<string, unknown>;
      at?: string;
    },
  ): void;
  /** The incident's status, or null when it does not exist in this org (or was deleted). */
  statusOf(orgId: string, incidentId: string): Status | null;
  /** Raises the severity when `severity` is more severe than the current one; never lowers it. */
  raiseSeverity(orgId: string, incidentId: string, severity: Severity, at: string): void;
  /** Resolves the incident because every alert resolved at the source; a no-op if already resolved. */
  resolveFromAlerts(orgId: string, incidentId: string, at: string): void;
}

/** What `GET /incidents/{id}` asks the alerts module for; supplied in app.ts so incidents never imports alerts. */
export type AlertsOf = (orgId: string, incidentId: string) => IncidentAlert[];

/** What `GET /incidents/{id}` asks the executions module for, newest first; supplied in app.ts. */
export type ExecutionsOf = (orgId: string, incidentId: string) => IncidentExecution[];
