export { createMetrics, type Metrics } from './metrics';
export { healthRoutes, diskCheck, type ReadinessCheck } from './health.routes';
export { tokenPingRoutes } from './token-ping.routes';
