export { createEventBus, type EventBus } from './bus';
export { Hub, type Broadcast, type EventObserver, type HubOptions, type LiveEvent, type Publish } from './hub';
export { notificationsTopic } from './messages';
export { createTickets, type Tickets } from './tickets';
export { realtimeRoutes, AUTH_TIMEOUT_MS } from './realtime.routes';
