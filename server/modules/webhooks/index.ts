export { createWebhookReceiver, type WebhookReceiver } from './webhooks.service';
export { webhookRoutes } from './webhooks.routes';
export { PARSERS } from './parsers';
