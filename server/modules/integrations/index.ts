export { integrationsStore } from './integrations.store';
export { createIntegrationService, WEBHOOK_SECRET_PREFIX, type IntegrationService, type WebhookIntegration, type SnsSubscription } from './integrations.service';
export { integrationRoutes, originOf } from './integrations.routes';
export { createSealer } from './sealer';
export { PLATFORMS, WEBHOOK_PLATFORMS, webhookPlatformOf, type Platform, type WebhookPlatform } from './integrations.schemas';
