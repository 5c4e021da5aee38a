export { incidentsStore } from './incidents.store';
export { createIncidentService, normalizeSeverity, type IncidentService } from './incidents.service';
export { incidentRoutes } from './incidents.routes';
