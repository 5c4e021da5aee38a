export { orgsStore } from './orgs.store';
export { createOrgService, PLAN, type OrgService } from './orgs.service';
export { orgRoutes } from './orgs.routes';
export type { Organization, OrganizationSettings } from './orgs.schemas';
