export { servicesStore, type ServiceRow, type ServicesStore } from './services.store';
export { createServiceService, toService, slugify, type ServiceService, type IncidentImpacts } from './services.service';
export { serviceRoutes } from './services.routes';
export { Service, SERVICE_STATUSES, type ServiceStatus } from './services.schemas';
export { uptimePercent, DOWNTIME_WEIGHT, type ImpactSpan } from './uptime';
