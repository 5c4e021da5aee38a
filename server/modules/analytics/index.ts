export { analyticsStore } from './analytics.store';
export { createAnalyticsService, type AnalyticsService } from './analytics.service';
export { analyticsRoutes } from './analytics.routes';
