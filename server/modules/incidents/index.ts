export { incidentsStore } from './incidents.store';
export { createIncidentService, normalizeSeverity, type IncidentFacts, type IncidentService } from './incidents.service';
export { incidentRoutes } from './incidents.routes';
export type { IncidentAlertPort, AlertsOf, ExecutionsOf } from './incidents.port';
export {
  IncidentAlert, IncidentExecution, SEVERITIES, STATUSES, TIMELINE_KINDS,
  type Severity, type Status, type TimelineKind, type TimelineVisibility,
} from './incidents.schemas';
