import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeDatabase, openDatabase, transactor } from '../../db/database';
import { systemClock } from '../../lib/clock';
import { databaseFile } from '../../start';
import { call, expectError, inviteMember, register, startTestServer, type Account, type TestServer } from '../../testing/harness';
import { createAuditLog, auditStore } from '../audit';
import { createNotificationService } from './notifications.service';
import { notificationsStore } from './notifications.store';

interface Note {
  id: string;
  kind: string;
  title: string;
  incident_id: string | null;
  severity: string | null;
  read: boolean;
  read_at: string | null;
}

describe('notifications', () => {
  let server: TestServer;
  let owner: Account;
  let engineer: Account;
  let viewer: Account;
  let stranger: Account;

  const notes = async (account: Account, query = ''): Promise<{ data: Note[]; meta: { total: number } }> => {
    const response = await call(server.api, 'GET', `/notifications?limit=100${query}`, { token: account.accessToken });
    expect(response.status).toBe(200);
    return response.body;
  };
  const about = async (account: Account, incidentId: string) => (await notes(account)).data.filter((n) => n.incident_id === incidentId).map((n) => n.kind);
  const openIncident = async (account: Account, body: Record<string, unknown>) => {
    const response = await call(server.api, 'POST', '/incidents', { token: account.accessToken, body: { title: 'Checkout is down', ...body } });
    expect(response.status).toBe(201);
    return response.body as { id: string };
  };
  const patchIncident = async (account: Account, id: string, body: Record<string, unknown>) => {
    const response = await call(server.api, 'PATCH', `/incidents/${id}`, { token: account.accessToken, body });
    expect(response.status).toBe(200);
  };
  const createService = async (name: string): Promise<string> => {
    const response = await call(server.api, 'POST', '/services', { token: owner.accessToken, body: { name } });
    expect(response.status).toBe(201);
    return response.body.id;
  };
  const addRule = async (account: Account, body: Record<string, unknown>) => {
    const response = await call(server.api, 'POST', '/notifications/rules', { token: account.accessToken, body });
    expect(response.status).toBe(201);
    return response.body as { id: string };
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await register(server.api, 'Owner');
    engineer = await inviteMember(server.api, owner, 'engineer', 'Erin Engineer');
    viewer = await inviteMember(server.api, owner, 'viewer', 'Vic Viewer');
    stranger = await register(server.api, 'Stranger');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('by default a new critical or high incident is notified to every member but the one who opened it', async () => {
    const high = await openIncident(engineer, { severity: 'high' });
    const medium = await openIncident(engineer, { severity: 'medium' });
    expect(await about(owner, high.id)).toEqual(['incident_opened']);
    expect(await about(viewer, high.id)).toEqual(['incident_opened']);
    expect(await about(engineer, high.id)).toEqual([]);
    expect(await about(owner, medium.id)).toEqual([]);
    expect(await about(stranger, high.id)).toEqual([]);

    const [note] = (await notes(owner)).data.filter((n) => n.incident_id === high.id);
    expect(note).toMatchObject({ title: 'High incident: Checkout is down', severity: 'high', read: false, read_at: null });
  });

  it('an open incident that comes to match (severity raised, service linked) is notified once', async () => {
    const incident = await openIncident(engineer, { severity: 'low' });
    expect(await about(owner, incident.id)).toEqual([]);
    await patchIncident(engineer, incident.id, { severity: 'critical' });
    expect(await about(owner, incident.id)).toEqual(['incident_opened']);
    expect((await notes(owner)).data.find((n) => n.incident_id === incident.id)!.title).toBe('Critical incident: Checkout is down');
    // The person who raised it is not told of their own change.
    expect(await about(engineer, incident.id)).toEqual([]);
    await patchIncident(engineer, incident.id, { description: 'Still down' });
    await patchIncident(engineer, incident.id, { severity: 'high' });
    expect(await about(owner, incident.id)).toEqual(['incident_opened']);
  });

  it('rules replace the default: severities, services, and a disabled rule that mutes', async () => {
    const payments = await createService('Payments');
    const search = await createService('Search');
    const person = await inviteMember(server.api, owner, 'engineer', 'Rita Rules');
    await addRule(person, { name: 'payments, any severity', severities: ['critical', 'high', 'medium', 'low'], service_ids: [payments] });

    const onPayments = await openIncident(owner, { severity: 'low', service_ids: [payments] });
    const onSearch = await openIncident(owner, { severity: 'critical', service_ids: [search] });
    const nowhere = await openIncident(owner, { severity: 'critical' });
    expect(await about(person, onPayments.id)).toEqual(['incident_opened']);
    expect(await about(person, onSearch.id)).toEqual([]);
    expect(await about(person, nowhere.id)).toEqual([]);

    // Linking the service later makes it match.
    await patchIncident(owner, onSearch.id, { service_ids: [search, payments] });
    expect(await about(person, onSearch.id)).toEqual(['incident_opened']);

    const muted = await inviteMember(server.api, owner, 'engineer', 'Mo Muted');
    await addRule(muted, { severities: ['critical'], enabled: false });
    expect(await about(muted, (await openIncident(owner, { severity: 'critical' })).id)).toEqual([]);
  });

  it('assignment is notified to the assignee, unless they assigned themselves', async () => {
    const incident = await openIncident(owner, { severity: 'low' });
    await patchIncident(owner, incident.id, { assignee_id: engineer.userId });
    expect(await about(engineer, incident.id)).toEqual(['incident_assigned']);
    expect((await notes(engineer)).data.find((n) => n.incident_id === incident.id)!.title).toBe('Assigned to you: Checkout is down');

    await patchIncident(engineer, incident.id, { assignee_id: null });
    await patchIncident(engineer, incident.id, { assignee_id: engineer.userId });
    expect(await about(engineer, incident.id)).toEqual(['incident_assigned']);

    const atOpening = await openIncident(owner, { severity: 'low', assignee_id: viewer.userId });
    expect(await about(viewer, atOpening.id)).toEqual(['incident_assigned']);
  });

  it('resolution is notified to everyone who was told of the incident, but not to the resolver', async () => {
    const incident = await openIncident(engineer, { severity: 'critical' });
    const resolved = await call(server.api, 'POST', `/incidents/${incident.id}/resolve`, { token: owner.accessToken, body: { root_cause: 'A bad deploy' } });
    expect(resolved.status).toBe(200);
    expect(await about(viewer, incident.id)).toEqual(['incident_resolved', 'incident_opened']);
    expect(await about(owner, incident.id)).toEqual(['incident_opened']);
    // Never told of it (they opened it): not told it ended either.
    expect(await about(engineer, incident.id)).toEqual([]);
    expect((await notes(viewer)).data[0]).toMatchObject({ kind: 'incident_resolved', title: 'Resolved: Checkout is down' });

    // Re-opened, it is news again.
    await patchIncident(engineer, incident.id, { status: 'investigating' });
    expect(await about(viewer, incident.id)).toEqual(['incident_opened', 'incident_resolved', 'incident_opened']);
  });

  it('lists newest first, filters unread, marks one read or unread, and all read', async () => {
    const person = await inviteMember(server.api, owner, 'viewer', 'Reader');
    for (const title of ['First', 'Second', 'Third']) await openIncident(owner, { title, severity: 'critical' });
    const all = await notes(person);
    expect(all.data.map((n) => n.title)).toEqual(['Critical incident: Third', 'Critical incident: Second', 'Critical incident: First']);
    expect((await notes(person, '&unread=true')).meta.total).toBe(3);

    const marked = await call(server.api, 'PATCH', `/notifications/${all.data[1]!.id}`, { token: person.accessToken, body: {} });
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ id: all.data[1]!.id, read: true, read_at: expect.any(String) });
    expect((await notes(person, '&unread=true')).data.map((n) => n.title)).toEqual(['Critical incident: Third', 'Critical incident: First']);
    expect((await notes(person, '&unread=false')).data.map((n) => n.id)).toEqual([all.data[1]!.id]);

    const unmarked = await call(server.api, 'PATCH', `/notifications/${all.data[1]!.id}`, { token: person.accessToken, body: { read: false } });
    expect(unmarked.body).toMatchObject({ read: false, read_at: null });

    const readAll = await call(server.api, 'POST', '/notifications/read-all', { token: person.accessToken, body: {} });
    expect(readAll.body).toEqual({ updated: 3 });
    expect((await notes(person, '&unread=true')).meta.total).toBe(0);
    expect((await call(server.api, 'POST', '/notifications/read-all', { token: person.accessToken, body: {} })).body).toEqual({ updated: 0 });

    const audit = await call(server.api, 'GET', '/audit?limit=100', { token: owner.accessToken });
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['READ_NOTIFICATION', 'UNREAD_NOTIFICATION', 'READ_ALL_NOTIFICATIONS']));
  });

  it('another person\'s notification or rule is 404, in the same organization or another', async () => {
    const [mine] = (await notes(owner)).data;
    const rule = await addRule(owner, { severities: ['critical', 'high'] });
    for (const account of [viewer, stranger]) {
      expectError(await call(server.api, 'PATCH', `/notifications/${mine!.id}`, { token: account.accessToken, body: {} }), 404, 'NOT_FOUND');
      expectError(await call(server.api, 'PATCH', `/notifications/rules/${rule.id}`, { token: account.accessToken, body: { enabled: false } }), 404, 'NOT_FOUND');
      expectError(await call(server.api, 'DELETE', `/notifications/rules/${rule.id}`, { token: account.accessToken }), 404, 'NOT_FOUND');
    }
    expect((await call(server.api, 'GET', '/notifications/rules', { token: viewer.accessToken })).body.data).toEqual([]);
  });

  it('rules: list, change, remove; services must exist in the organization', async () => {
    const person = await inviteMember(server.api, owner, 'viewer', 'Ruler');
    const rule = await addRule(person, { name: 'sev1', severities: ['critical'] });
    const changed = await call(server.api, 'PATCH', `/notifications/rules/${rule.id}`, { token: person.accessToken, body: { severities: ['critical', 'high'], enabled: false } });
    expect(changed.body).toMatchObject({ id: rule.id, name: 'sev1', severities: ['critical', 'high'], service_ids: [], enabled: false });
    const listed = await call(server.api, 'GET', '/notifications/rules', { token: person.accessToken });
    expect(listed.body).toMatchObject({ data: [{ id: rule.id, enabled: false }], meta: { total: 1, limit: 25, offset: 0 } });

    const theirService = (await call(server.api, 'POST', '/services', { token: stranger.accessToken, body: { name: 'Theirs' } })).body.id;
    const refused = expectError(await call(server.api, 'POST', '/notifications/rules', { token: person.accessToken, body: { severities: ['low'], service_ids: [theirService] } }), 422, 'VALIDATION_FAILED');
    expect(refused.fields).toEqual([expect.objectContaining({ path: 'service_ids', code: 'unknown_service' })]);
    expectError(await call(server.api, 'POST', '/notifications/rules', { token: person.accessToken, body: { severities: [] } }), 422, 'VALIDATION_FAILED');
    expectError(await call(server.api, 'POST', '/notifications/rules', { token: person.accessToken, body: { severities: ['catastrophic'] } }), 422, 'VALIDATION_FAILED');

    expect((await call(server.api, 'DELETE', `/notifications/rules/${rule.id}`, { token: person.accessToken })).status).toBe(204);
    expect((await call(server.api, 'GET', '/notifications/rules', { token: person.accessToken })).body.data).toEqual([]);
    // With no rules left, the default applies again.
    const incident = await openIncident(owner, { severity: 'high' });
    expect(await about(person, incident.id)).toEqual(['incident_opened']);
  });

  it('a new notification is announced live on the person\'s own topic', async () => {
    const ticket = (await call(server.api, 'POST', '/ws/ticket', { token: viewer.accessToken, body: {} })).body.ticket;
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/v1/ws?ticket=${ticket}`);
    const messages: any[] = [];
    socket.on('message', (raw) => messages.push(JSON.parse(String(raw))));
    const waitFor = async (predicate: (m: any) => boolean) => {
      const deadline = Date.now() + 3000;
      while (!messages.some(predicate)) {
        if (Date.now() > deadline) throw new Error(`no such message: ${JSON.stringify(messages)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return messages.find(predicate);
    };
    try {
      await waitFor((m) => m.type === 'ready');
      socket.send(JSON.stringify({ type: 'subscribe', topics: [`notifications:${viewer.userId}`] }));
      await waitFor((m) => m.type === 'subscribed');
      const incident = await openIncident(owner, { severity: 'critical', title: 'Live one' });
      const event = await waitFor((m) => m.type === 'event');
      expect(event).toMatchObject({ topic: `notifications:${viewer.userId}`, event: 'notification.created', data: { kind: 'incident_opened', incident_id: incident.id, read: false } });
    } finally {
      socket.close();
    }
  });

  it('needs notifications scopes; a viewer may manage their own', async () => {
    expectError(await call(server.api, 'GET', '/notifications'), 401, 'UNAUTHENTICATED');
    const key = (await call(server.api, 'POST', '/api-keys', { token: viewer.accessToken, body: { name: 'incidents only', scopes: ['incidents:read'] } })).body.token;
    expectError(await call(server.api, 'GET', '/notifications', { token: key }), 403, 'PAT_SCOPE_INSUFFICIENT');
    const readOnly = (await call(server.api, 'POST', '/api-keys', { token: viewer.accessToken, body: { name: 'read', scopes: ['notifications:read'] } })).body.token;
    expect((await call(server.api, 'GET', '/notifications', { token: readOnly })).status).toBe(200);
    expectError(await call(server.api, 'POST', '/notifications/read-all', { token: readOnly, body: {} }), 403, 'PAT_SCOPE_INSUFFICIENT');
  });

  it('the maintenance seam: a suppressed incident notifies nobody by rule, yet assignment still reaches the assignee', async () => {
    // A second connection to the same database, with a suppression rule: the seam maintenance windows will fill.
    const db = openDatabase(databaseFile(server.dataDir));
    try {
      const transact = transactor(db);
      const service = createNotificationService({
        store: notificationsStore(db), audit: createAuditLog(auditStore(db), systemClock), transact, clock: systemClock,
        isSuppressed: (orgId, serviceIds) => orgId === owner.orgId && serviceIds.includes('maintained'),
      });
      const quiet = await openIncident(engineer, { severity: 'low' });
      const change = (serviceIds: string[], assignedTo: string | null) => service.incidentChanged({
        orgId: owner.orgId, actorId: null, assignedTo, resolved: false,
        incident: { id: quiet.id, title: 'Quiet', severity: 'critical', status: 'active', assignee_id: assignedTo, service_ids: serviceIds },
      });
      change(['maintained'], engineer.userId);
      expect(await about(owner, quiet.id)).toEqual([]);
      expect(await about(engineer, quiet.id)).toEqual(['incident_assigned']);
      change(['elsewhere'], null);
      expect(await about(owner, quiet.id)).toEqual(['incident_opened']);
    } finally {
      closeDatabase(db);
    }
  });
});
