export { Hub, type HubOptions, type LiveEvent, type Publish } from './hub';
export { createTickets, type Tickets } from './tickets';
export { realtimeRoutes, AUTH_TIMEOUT_MS } from './realtime.routes';
