export { alertsStore } from './alerts.store';
export { createAlertService, type AlertService } from './alerts.service';
export { alertRoutes } from './alerts.routes';
export { IngestResult, type AlertInput, type DeliveryContent } from './alerts.schemas';
