export { incidentsStore } from './incidents.store';
export { createIncidentService, normalizeSeverity, type IncidentService } from './incidents.service';
export { incidentRoutes } from './incidents.routes';
export type { IncidentAlertPort, AlertsOf } from './incidents.port';
export {
  IncidentAlert, SEVERITIES, STATUSES, TIMELINE_KINDS,
  type Severity, type Status, type TimelineKind, type TimelineVisibility,
} from './incidents.schemas';
