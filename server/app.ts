import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ServerConfig } from './config';
import { transactor, type Db } from './db/database';
import { registerDocs } from './docs/openapi';
import { registerAuth, type CredentialResolver } from './http/auth';
import { CredentialCache } from './http/credential-cache';
import { registerErrorHandling, sendError } from './http/error-handler';
import { AppError } from './http/errors';
import { registerIdempotency } from './http/idempotency';
import { idempotencyStore } from './http/idempotency.store';
import { registerMediaTypeCheck } from './http/media-type';
import { registerRateLimit } from './http/rate-limit';
import { registerRequestId, requestIdFrom } from './http/request-id';
import { registerRouteDefaults } from './http/route-defaults';
import { registerShutdownGate } from './http/shutdown';
import { lazySerializers, validatorCompiler } from './http/validation';
import { systemClock, type Clock } from './lib/clock';
import { adminRoutes, adminStore } from './modules/admin';
import { auditRoutes, auditStore, createAuditLog, scheduleAuditRetention } from './modules/audit';
import { authRoutes, authStore, createAuthService, createJwt, type BootstrapGrant } from './modules/auth';
import { billingRoutes } from './modules/billing';
import { createMetrics, diskCheck, healthRoutes, tokenPingRoutes, type ReadinessCheck } from './modules/health';
import { createIncidentService, incidentRoutes, incidentsStore } from './modules/incidents';
import { createMailer, mailRoutes, mailStore, type Mailer } from './modules/mail';
import { alertRoutes, alertsStore, createAlertService } from './modules/alerts';
import { createIntegrationService, createSealer, integrationRoutes, integrationsStore } from './modules/integrations';
import { createWebhookReceiver, webhookRoutes } from './modules/webhooks';
import { analyticsRoutes, analyticsStore, createAnalyticsService } from './modules/analytics';
import {
  createDispatcher, createNotificationService, createOutboundService, createSender, notificationRoutes, notificationsStore, outboundRoutes, outboundStore,
} from './modules/notifications';
import { createProcedureService, procedureRoutes, proceduresStore } from './modules/procedures';
import { createSecretService, secretRoutes } from './modules/secrets';
import { createExecutionService, executionRoutes, executionsStore } from './modules/executions';
import { createServiceService, serviceRoutes, servicesStore } from './modules/services';
import { createOrgService, orgRoutes, orgsStore } from './modules/orgs';
import { createTokenService, tokenRoutes, tokensStore } from './modules/tokens';
import { createUserService, userRoutes, usersStore } from './modules/users';
import { createEventBus, createTickets, Hub, realtimeRoutes, type HubOptions } from './realtime';
import { createSecretStore, type SecretStore } from './secrets';

export type AppConfig = Pick<
  ServerConfig,
  'dataDir' | 'allowRegistration' | 'bodyLimitBytes' | 'rateLimits' | 'rateLimitsEnabled' | 'smtp' | 'rendererDir' | 'publicUrl' | 'logLevel'
>;

export interface AppDeps {
  db: Db;
  config: AppConfig;
  /** HS256 key for access and refresh tokens. */
  jwtKey: Buffer;
  /** The server's one secret store (DESIGN.md §8), chosen by start.ts; default an encrypted file in the data dir. */
  secrets?: SecretStore;
  version: string;
  clock?: Clock;
  /** Runbook command steps default: on for the desktop, off for a headless server. */
  allowCommandStepsByDefault?: boolean;
  logger?: FastifyServerOptions['logger'];
  /** Desktop host only: the one-time token that signs the local owner in. */
  bootstrap?: BootstrapGrant;
  /** WebSocket timings; tests shorten them. */
  realtime?: HubOptions & { authTimeoutMs?: number };
}

export interface App {
  app: FastifyInstance;
  mailer: Mailer;
}

/** Builds the whole HTTP app over an open, migrated database. Reads no environment and does not listen. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { db, config } = deps;
  const clock = deps.clock ?? systemClock;
  const transact = transactor(db);
  const app = Fastify({
    logger: deps.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdFrom,
    requestIdHeader: false,
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    logController: new LogController({ disableRequestLogging: true }),
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
    frameworkErrors: (error, request, reply) => {
      request.log.info({ err: error }, 'malformed request');
      reply.header('X-Request-ID', request.id);
      void sendError(reply, request, new AppError('MALFORMED_REQUEST', 'The URL or a header of this request is malformed'));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler());

  const serveConsole = config.rendererDir !== undefined && existsSync(join(config.rendererDir, 'index.html'));
  registerRouteDefaults(app);
  registerRequestId(app);
  registerErrorHandling(app, { consoleIndex: serveConsole });
  registerShutdownGate(app);
  await registerDocs(app, deps.version);
  await app.register(cookie);
  await app.register(formbody);
  const hub = new Hub(deps.realtime);
  await app.register(websocket, {
    options: { maxPayload: 64 * 1024 },
    preClose: async () => {
      await hub.close();
      // Sockets still waiting to authenticate are not the hub's.
      for (const socket of app.websocketServer.clients) socket.terminate();
    },
  });

  const audit = createAuditLog(auditStore(db), clock);
  const mail = mailStore(db);
  const mailer = createMailer(mail, clock, config.smtp);
  const linkTo = (path: string) => `${config.publicUrl ?? ''}${path}`;
  const orgs = createOrgService({ store: orgsStore(db), audit, transact, clock, allowCommandStepsByDefault: deps.allowCommandStepsByDefault ?? false });
  const credentials = new CredentialCache();
  credentials.onInvalidate(() => hub.reauthenticateAll());
  const users = usersStore(db);
  const userService = createUserService({ store: users, audit, mailer, transact, clock, linkTo,
    invitesEnabled: (orgId) => orgs.settings(orgId).invites_enabled, accessChanged: credentials.invalidate });
  const tokens = createTokenService({ store: tokensStore(db), audit, transact, clock, credentials });
  const auth = createAuthService({
    store: authStore(db), users, userService, orgs, audit, mailer, transact, clock, linkTo,
    jwt: createJwt(deps.jwtKey, clock), allowRegistration: config.allowRegistration, credentials,
    ...(deps.bootstrap ? { bootstrap: deps.bootstrap } : {}),
  });
  const incidentStore = incidentsStore(db);
  // Services read incidents' impact for uptime, incidents look services up: each gets the other's function.
  const services = createServiceService({ store: servicesStore(db), audit, transact, clock, incidentImpacts: (...args) => incidents.impactsOn(...args) });
  // Services announce changes from inside their transactions; the bus holds them for the live hub until commit.
  const events = createEventBus({ transact, hub, onError: (error) => app.log.error({ err: error }, 'notifying an event failed') });
  const incidents = createIncidentService({ store: incidentStore, users, services: services.lookup, audit, transact, clock, publish: events.publish,
    alertsOf: (...args) => alerts.alertsOf(...args), executionsOf: (...args) => executions.executionsOf(...args) });
  const integrations = createIntegrationService({
    store: integrationsStore(db), audit, transact, clock, sealer: createSealer(deps.jwtKey), publicUrl: () => config.publicUrl,
  });
  const alerts = createAlertService({ store: alertsStore(db), audit, transact, clock, incidents: incidents.alertPort, integrations, publish: events.publish });
  const webhooks = createWebhookReceiver({ integrations, alerts, clock });
  const secrets = createSecretService({ store: deps.secrets ?? createSecretStore({ kind: 'file', dataDir: config.dataDir }), audit, transact });
  const procedures = createProcedureService({
    store: proceduresStore(db), services: services.lookup, audit, transact, clock, publish: events.publish,
    // Suggestions read an incident's live services and its alerts' labels.
    incidentContext: (orgId, incidentId) => {
      const incident = incidentStore.get(orgId, incidentId);
      if (!incident) return null;
      const serviceIds = JSON.parse(incident.service_ids) as string[];
      return {
        service_ids: serviceIds,
        service_names: Object.fromEntries(services.lookup(orgId, serviceIds).map((s) => [s.id, s.name])),
        alert_labels: alerts.alertsOf(orgId, incidentId).map((a) => a.labels),
      };
    },
  });
  // Runbook executions read incidents (facts, timeline, alerts) through functions, so neither module imports the other.
  const executions = createExecutionService({
    store: executionsStore(db), audit, transact, clock, dataDir: config.dataDir, procedures: procedures.snapshot,
    incidents: {
      facts: (...args) => incidents.facts(...args),
      addTimelineEntry: (...args) => incidents.alertPort.addTimelineEntry(...args),
      alertsResolved: (orgId, incidentId) => {
        const attached = alerts.alertsOf(orgId, incidentId);
        return attached.length > 0 && attached.every((a) => a.status === 'resolved');
      },
    },
    secrets: secrets.lookup,
    commandStepsAllowed: (orgId) => orgs.settings(orgId).allow_command_steps,
    publish: events.publish, broadcast: hub.broadcast.bind(hub),
    onError: (error) => app.log.error({ err: error }, 'a runbook execution step failed to record'),
  });
  executions.recover();
  const notifications = createNotificationService({
    store: notificationsStore(db), audit, transact, clock, publish: hub.publish.bind(hub),
    knownServices: (orgId, ids) => services.lookup(orgId, ids).map((s) => s.id),
  });
  const outbound = createOutboundService({
    store: outboundStore(db), audit, transact, clock, rootKey: deps.jwtKey, send: createSender(),
    onError: (error) => app.log.error({ err: error }, 'outbound webhook delivery failed'),
  });
  // Every published event also reaches the people it concerns and the organization's webhook endpoints.
  events.observe(createDispatcher({ notifications, outbound, onError: (error) => app.log.error({ err: error }, 'notifying an event failed') }));
  const analytics = createAnalyticsService({ store: analyticsStore(db), clock });
  const admin = adminStore(db);
  const metrics = createMetrics(admin.databaseBytes);

  metrics.instrument(app);
  registerMediaTypeCheck(app);
  const resolver: CredentialResolver = {
    fromJwt: auth.principalFromJwt,
    fromApiKey: tokens.resolve,
    chargeMutation: tokens.chargeMutation,
  };
  registerAuth(app, resolver);
  registerRateLimit(app, { limits: config.rateLimits, enabled: config.rateLimitsEnabled, orgLimits: orgs.rateLimits, clock });
  registerIdempotency(app, idempotencyStore(db), transact, clock);

  const readiness: ReadinessCheck[] = [
    { name: 'database', run: () => void db.prepare('SELECT 1').get() },
    diskCheck(config.dataDir),
  ];
  if (mailer.mode === 'smtp') {
    readiness.push({
      name: 'mail_outbox',
      run() {
        const { n, oldest } = mail.backlog();
        if (n > 1000) throw new Error(`${n} messages waiting`);
        if (oldest && clock.now().getTime() - Date.parse(oldest) > 5 * 60_000) throw new Error('oldest message has waited more than 5 minutes');
      },
    });
  }
  await app.register(healthRoutes(readiness, metrics));

  await app.register(async (api) => {
    await api.register(tokenPingRoutes());
    await api.register(authRoutes(auth, userService, (orgId) => admin.usage(orgId, clock.now().toISOString())));
    await api.register(userRoutes(userService));
    await api.register(orgRoutes(orgs));
    await api.register(tokenRoutes(tokens));
    await api.register(auditRoutes(audit, transact));
    await api.register(mailRoutes(mail, audit, transact));
    await api.register(adminRoutes(admin, clock, deps.version));
    await api.register(billingRoutes(admin, clock));
    await api.register(incidentRoutes(incidents));
    await api.register(serviceRoutes(services));
    await api.register(integrationRoutes(integrations));
    await api.register(alertRoutes(alerts));
    await api.register(procedureRoutes(procedures));
    await api.register(executionRoutes(executions));
    await api.register(secretRoutes(secrets));
    await api.register(webhookRoutes(webhooks, { bodyLimit: config.bodyLimitBytes }));
    await api.register(notificationRoutes(notifications));
    await api.register(outboundRoutes(outbound));
    await api.register(analyticsRoutes(analytics));
    await api.register(realtimeRoutes({ hub, tickets: createTickets(clock), resolver, authTimeoutMs: deps.realtime?.authTimeoutMs }));
  }, { prefix: '/api/v1' });

  if (serveConsole) {
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, { root: config.rendererDir!, prefix: '/', wildcard: false, index: ['index.html'] });
  }

  app.addHook('onClose', () => outbound.close());
  // Commands still running are ended and recorded as interrupted while the database is open.
  app.addHook('onClose', () => executions.close());
  const stopRetention = scheduleAuditRetention(audit, orgs.auditRetention, (error) => app.log.error({ err: error }, 'audit retention failed'));
  app.addHook('onClose', async () => {
    stopRetention();
    mailer.close();
  });
  return { app, mailer };
}
