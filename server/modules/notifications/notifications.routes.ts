import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { IdParams, PageQuery } from '../../http/schemas';
import {
  MarkAllRead, Notification, NotificationListQuery, NotificationPage, NotificationRule, NotificationRuleCreate, NotificationRulePage,
  NotificationRuleUpdate, NotificationUpdate,
} from './notifications.schemas';
import type { NotificationService } from './notifications.service';

const RULES = 'A new incident, or an open one that comes to match (severity raised, service linked, re-opened), is notified to each person '
  + 'whose rules match it: a rule matches one of its severities and, when it names services, one of them. A person without rules '
  + 'is told of critical and high incidents; a disabled rule matches nothing, so one disabled rule mutes. Assignment to you and the '
  + 'resolution of an incident you were told of are always notified; your own changes never are. Live: topic `notifications:<your user id>`.';

/** A person's own notifications and rules; nobody sees another's. */
export function notificationRoutes(notifications: NotificationService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Notifications'];
    const read = { scope: 'notifications:read' } as const;
    const write = { scope: 'notifications:write' } as const;

    app.get('/notifications', {
      schema: { tags, summary: 'My notifications, newest first (`unread=true` for the unread; meta.total counts them)', description: RULES, querystring: NotificationListQuery, response: { 200: NotificationPage } },
      config: read,
    }, async (request) => notifications.list(request.principal!, request.query));

    app.patch('/notifications/:id', {
      schema: { tags, summary: 'Mark a notification read (or, with `{"read": false}`, unread)', params: IdParams, body: NotificationUpdate, response: { 200: Notification } },
      config: write,
    }, async (request) => notifications.mark(contextOf(request), request.principal!, request.params.id, request.body.read ?? true));

    app.post('/notifications/read-all', {
      schema: { tags, summary: 'Mark all my notifications read', body: Type.Object({}, { additionalProperties: false, description: 'Nothing' }), response: { 200: MarkAllRead } },
      config: write,
    }, async (request) => notifications.markAllRead(contextOf(request), request.principal!));

    app.get('/notifications/rules', {
      schema: { tags, summary: 'My notification rules', description: RULES, querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: NotificationRulePage } },
      config: read,
    }, async (request) => notifications.rules(request.principal!, request.query.limit ?? 25, request.query.offset ?? 0));

    app.post('/notifications/rules', {
      schema: { tags, summary: 'Add a notification rule', description: RULES, body: NotificationRuleCreate, response: { 201: NotificationRule } },
      config: write,
    }, async (request, reply) => reply.code(201).send(notifications.createRule(contextOf(request), request.principal!, request.body)));

    app.patch('/notifications/rules/:id', {
      schema: { tags, summary: 'Change a notification rule', params: IdParams, body: NotificationRuleUpdate, response: { 200: NotificationRule } },
      config: write,
    }, async (request) => notifications.updateRule(contextOf(request), request.principal!, request.params.id, request.body));

    app.delete('/notifications/rules/:id', {
      schema: { tags, summary: 'Remove a notification rule (with none left, the default applies again)', params: IdParams, response: { 204: Type.Null() } },
      config: write,
    }, async (request, reply) => {
      notifications.removeRule(contextOf(request), request.principal!, request.params.id);
      return reply.code(204).send(null);
    });
  };
}
