import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { contextOf } from '../../http/principal';
import { Organization, OrganizationPatch, OrganizationSettings, OrganizationSettingsPatch } from './orgs.schemas';
import type { OrgService } from './orgs.service';

export function orgRoutes(orgs: OrgService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/organizations', {
      schema: { tags: ['Organizations'], summary: 'The caller\'s organization', response: { 200: Organization } },
      config: { scope: 'organizations:read' },
    }, async (request) => orgs.get(request.principal!.orgId));

    app.patch('/organizations', {
      schema: { tags: ['Organizations'], summary: 'Rename the organization', body: OrganizationPatch, response: { 200: Organization } },
      config: { scope: 'organizations:write', role: 'admin' },
    }, async (request) => orgs.update(contextOf(request), request.principal!, request.body));

    app.get('/organization-settings', {
      schema: { tags: ['Organizations'], summary: 'Typed organization settings', response: { 200: OrganizationSettings } },
      config: { scope: 'settings:read' },
    }, async (request) => orgs.settings(request.principal!.orgId));

    app.patch('/organization-settings', {
      schema: { tags: ['Organizations'], summary: 'Change some settings; the others keep their values', body: OrganizationSettingsPatch, response: { 200: OrganizationSettings } },
      config: { scope: 'settings:write', role: 'admin' },
    }, async (request) => orgs.updateSettings(contextOf(request), request.principal!, request.body));
  };
}
