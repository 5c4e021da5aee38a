export { adminStore, type AdminStore, type OrgUsage } from './admin.store';
export { adminRoutes } from './admin.routes';
