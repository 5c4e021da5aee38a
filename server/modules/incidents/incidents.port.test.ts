import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, transactor, type Db, type Transact } from '../../db/database';
import type { Principal } from '../../http/principal';
import { createEventBus, type LiveEvent } from '../../realtime';
import { databaseFile } from '../../start';
import { call, register, startTestServer, type Account, type TestServer } from '../../testing/harness';
import { auditStore, createAuditLog } from '../audit';
import { createServiceService, servicesStore } from '../services';
import { usersStore } from '../users';
import type { IncidentAlert } from './incidents.schemas';
import { createIncidentService, type IncidentService } from './incidents.service';
import { incidentsStore } from './incidents.store';

/**
 * The alert port is called by alert ingestion, not by a route: this test drives it over a second
 * connection to a running server's database and reads the results back over HTTP, as a person would.
 */
describe('IncidentAlertPort', () => {
  let server: TestServer;
  let owner: Account;
  let db: Db;
  let transact: Transact;
  let incidents: IncidentService;
  const published: Array<{ orgId: string; topic: string } & LiveEvent> = [];
  const alerts = new Map<string, IncidentAlert[]>();
  let serviceId: string;
  const integrationId = '0190d6b5-1111-7000-8000-000000000001';

  const get = (path: string) => call(server.api, 'GET', path, { token: owner.accessToken });

  beforeAll(async () => {
    server = await startTestServer();
    owner = await register(server.api, 'Owner');
    serviceId = (await call(server.api, 'POST', '/services', { token: owner.accessToken, body: { name: 'Checkout' } })).body.id;
    db = openDatabase(databaseFile(server.dataDir));
    transact = transactor(db);
    const clock = { now: () => new Date() };
    const audit = createAuditLog(auditStore(db), clock);
    const incidentStore = incidentsStore(db);
    const services = createServiceService({ store: servicesStore(db), audit, transact, clock, incidentImpacts: () => [] });
    incidents = createIncidentService({
      store: incidentStore, users: usersStore(db), services: services.lookup, audit, transact, clock,
      // Through the bus, as app.ts wires it: live subscribers hear of a change only once it commits.
      publish: createEventBus({ transact, hub: { publish: (orgId, topic, event) => published.push({ orgId, topic, ...event }) }, onError: (error) => { throw error; } }).publish,
      alertsOf: (_orgId, incidentId) => alerts.get(incidentId) ?? [],
    });
  });
  afterAll(async () => {
    closeDatabase(db);
    await server.stop();
  });

  it('opens an incident from an alert, linked to its service, announced once committed', async () => {
    published.length = 0;
    const { id } = transact(() => {
      const opened = incidents.alertPort.openFromAlert(owner.orgId, {
        title: 'HighErrorRate on checkout', description: 'error rate 12%', severity: 'high', serviceId, source: 'prometheus', integrationId, at: '2026-01-01T00:00:00.000Z',
      });
      expect(published).toEqual([]);
      return opened;
    });
    expect(published.map((p) => `${p.topic} ${p.event}`)).toEqual(['incident:' + id + ' timeline.entry', 'incident:' + id + ' timeline.entry', 'incidents incident.created', `incident:${id} incident.created`]);
    const detail = (await get(`/incidents/${id}`)).body;
    expect(detail).toMatchObject({
      title: 'HighErrorRate on checkout', severity: 'high', status: 'active', source: 'prometheus', integration_id: integrationId,
      created_by: null, impact: 'partial_outage', service_ids: [serviceId],
    });
    expect(detail.timeline[0]).toMatchObject({ kind: 'created', message: 'Opened by an alert from prometheus', actor_id: null, data: { source_at: '2026-01-01T00:00:00.000Z' } });
    const audit = (await call(server.api, 'GET', '/audit?limit=5', { token: owner.accessToken })).body.data;
    expect(audit.find((e: { resource_id: string }) => e.resource_id === id)).toMatchObject({ action: 'CREATE_INCIDENT', actor_user_id: null, meta: { source: 'prometheus', integration_id: integrationId } });
  });

  it('adds alert entries, raises severity only upward, reports status, and resolves when the source does', async () => {
    const { id } = incidents.alertPort.openFromAlert(owner.orgId, { title: 'DiskFilling', description: '', severity: 'medium', serviceId: null, source: 'grafana', integrationId, at: new Date().toISOString() });
    incidents.alertPort.addTimelineEntry(owner.orgId, id, { kind: 'alert_firing', message: 'DiskFilling on db-2', data: { fingerprint: 'abc' } });
    incidents.alertPort.raiseSeverity(owner.orgId, id, 'low', new Date().toISOString());
    incidents.alertPort.raiseSeverity(owner.orgId, id, 'critical', '2026-01-01T00:05:00.000Z');
    incidents.alertPort.raiseSeverity(owner.orgId, id, 'high', new Date().toISOString());
    expect(incidents.alertPort.statusOf(owner.orgId, id)).toBe('active');
    expect(incidents.alertPort.statusOf(owner.orgId, '0190d6b5-0000-7000-8000-00000000dead')).toBeNull();
    incidents.alertPort.addTimelineEntry(owner.orgId, id, { kind: 'alert_resolved', message: 'DiskFilling resolved', visibility: 'public' });
    incidents.alertPort.resolveFromAlerts(owner.orgId, id, '2026-01-01T00:10:00.000Z');
    incidents.alertPort.resolveFromAlerts(owner.orgId, id, '2026-01-01T00:11:00.000Z');
    expect(incidents.alertPort.statusOf(owner.orgId, id)).toBe('resolved');

    const detail = (await get(`/incidents/${id}`)).body;
    expect(detail).toMatchObject({ severity: 'critical', status: 'resolved', resolved_by: null, service_ids: [] });
    expect(detail.timeline.map((e: { kind: string }) => e.kind)).toEqual(['created', 'alert_firing', 'severity_changed', 'alert_resolved', 'resolved']);
    expect(detail.timeline[2].data).toEqual({ from: 'medium', to: 'critical', source_at: '2026-01-01T00:05:00.000Z' });
    expect(detail.timeline[3].visibility).toBe('public');
    expect(detail.timeline[4]).toMatchObject({ message: 'Every alert resolved at the source', data: { source_at: '2026-01-01T00:10:00.000Z' } });
    // A person can re-open it as with any resolved incident.
    const reopened = await call(server.api, 'PATCH', `/incidents/${id}`, { token: owner.accessToken, body: { status: 'investigating' } });
    expect(reopened.body.status).toBe('investigating');
  });

  it('refuses another organization\'s incident, and a rolled-back ingest leaves nothing and announces nothing', async () => {
    const other = await register(server.api, 'Other');
    const theirs = (await call(server.api, 'POST', '/incidents', { token: other.accessToken, body: { title: 'Theirs' } })).body;
    expect(incidents.alertPort.statusOf(owner.orgId, theirs.id)).toBeNull();
    expect(() => incidents.alertPort.addTimelineEntry(owner.orgId, theirs.id, { kind: 'note', message: 'x' })).toThrow(/not found/);

    published.length = 0;
    const before = (await get('/incidents')).body.meta.total;
    expect(() => transact(() => {
      incidents.alertPort.openFromAlert(owner.orgId, { title: 'Doomed', description: '', severity: 'low', serviceId: null, source: 'generic', integrationId, at: new Date().toISOString() });
      throw new Error('parser blew up after opening');
    })).toThrow('parser blew up');
    expect(published).toEqual([]);
    expect((await get('/incidents')).body.meta.total).toBe(before);
  });

  it('GET /incidents/{id} includes the alerts the alerts module supplies', () => {
    const { id } = incidents.alertPort.openFromAlert(owner.orgId, { title: 'With alerts', description: '', severity: 'low', serviceId: null, source: 'datadog', integrationId, at: new Date().toISOString() });
    const alert: IncidentAlert = {
      id: '0190d6b5-2222-7000-8000-000000000002', status: 'firing', title: 'CPU high', severity: 'low', source: 'datadog', integration_id: integrationId,
      dedup_key: '1234:host:web-1', group_key: null, labels: { host: 'web-1' }, links: [{ href: 'https://app.datadoghq.com/monitors/1234', text: 'Monitor' }],
      starts_at: '2026-01-01T00:00:00.000Z', ends_at: null, received_at: '2026-01-01T00:00:01.000Z',
    };
    alerts.set(id, [alert]);
    const principal: Principal = { kind: 'session', userId: owner.userId, orgId: owner.orgId, email: owner.email, role: 'owner' };
    expect(incidents.get(principal, id).alerts).toEqual([alert]);
  });
});
