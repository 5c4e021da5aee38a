export { notificationsStore } from './notifications.store';
export { createNotificationService, neverSuppressed, type IsSuppressed, type KnownServices, type NotificationService } from './notifications.service';
export { notificationRoutes } from './notifications.routes';
export { outboundStore } from './outbound.store';
export { createOutboundService, type OutboundService } from './outbound.service';
export { outboundRoutes } from './outbound.routes';
export { createSender, type Send } from './sender';
export { createDispatcher } from './dispatcher';
