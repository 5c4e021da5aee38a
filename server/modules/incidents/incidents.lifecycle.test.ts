import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call, createApiKey, expectError, inviteMember, register, startClockedTestServer, type Account, type ManualClock, type TestServer,
} from '../../testing/harness';

type Server = TestServer & { clock: ManualClock };

const kinds = (detail: { timeline: Array<{ kind: string }> }) => detail.timeline.map((e) => e.kind);

describe('incident lifecycle over HTTP', () => {
  let server: Server;
  let owner: Account;
  let engineer: Account;
  let viewer: Account;
  let other: Account;
  let api: Server['api'];
  let serviceA: { id: string; name: string };
  let serviceB: { id: string; name: string };

  const post = (account: Account, path: string, body?: unknown) => call(api, 'POST', path, { token: account.accessToken, ...(body === undefined ? {} : { body }) });
  const patch = (account: Account, path: string, body: unknown) => call(api, 'PATCH', path, { token: account.accessToken, body });
  const get = (account: Account, path: string) => call(api, 'GET', path, { token: account.accessToken });
  const open = async (body: Record<string, unknown> = {}) => {
    server.clock.advance(1);
    const response = await post(owner, '/incidents', { title: 'Checkout errors', severity: 'high', ...body });
    expect(response.status).toBe(201);
    return response.body as { id: string; status: string; [k: string]: unknown };
  };

  beforeAll(async () => {
    server = await startClockedTestServer();
    api = server.api;
    owner = await register(api, 'Olive Owner');
    other = await register(api, 'Otto Other');
    engineer = await inviteMember(api, owner, 'engineer', 'Erin Engineer');
    viewer = await inviteMember(api, owner, 'viewer', 'Vic Viewer');
    serviceA = (await post(owner, '/services', { name: 'Checkout API' })).body;
    serviceB = (await post(owner, '/services', { name: 'Payments' })).body;
  });
  afterAll(async () => {
    await server.stop();
  });

  it('creates with 003\'s service_ids and Opsentry severity, which also sets the impact', async () => {
    const created = await open({ title: 'Deploy failed — rolling back', severity: 'degraded', description: 'Health checks failing', service_ids: [serviceA.id], tenant_id: 17 });
    expect(created).toMatchObject({
      title: 'Deploy failed — rolling back', severity: 'medium', status: 'active', impact: 'degraded_performance', visibility: 'public',
      description: 'Health checks failing', created_by: owner.userId, source: 'manual', service_ids: [serviceA.id], assignee: null,
    });
    const detail = (await get(owner, `/incidents/${created.id}`)).body;
    expect(detail.services).toEqual([expect.objectContaining({ id: serviceA.id, name: 'Checkout API', impact: 'degraded_performance', current_status: 'operational' })]);
    expect(detail).toMatchObject({ alerts: [], executions: [], postmortem: null, timeline_total: 2 });
    expect(kinds(detail)).toEqual(['created', 'services_changed']);
    expect(detail.timeline[0]).toMatchObject({ actor_id: owner.userId, actor: 'Olive Owner', visibility: 'internal', data: { severity: 'medium', status: 'active' } });
  });

  it('an explicit impact wins, and an unknown service or assignee is 422 with nothing created', async () => {
    expect((await open({ severity: 'critical', impact: 'partial_outage' })).impact).toBe('partial_outage');
    const before = (await get(owner, '/incidents?limit=1')).body.meta.total;
    expectError(await post(owner, '/incidents', { title: 'x', service_ids: [serviceA.id, '0190d6b5-0000-7000-8000-000000000000'] }), 422, 'VALIDATION_FAILED');
    expectError(await post(owner, '/incidents', { title: 'x', assignee_id: other.userId }), 422, 'VALIDATION_FAILED');
    const otherService = (await post(other, '/services', { name: 'Theirs' })).body;
    expectError(await post(owner, '/incidents', { title: 'x', service_ids: [otherService.id] }), 422, 'VALIDATION_FAILED');
    expect((await get(owner, '/incidents?limit=1')).body.meta.total).toBe(before);
  });

  it('PATCH changes only what is sent, and every change lands on the timeline with its actor', async () => {
    const incident = await open();
    server.clock.advance(60);
    const response = await patch(engineer, `/incidents/${incident.id}`, {
      title: 'Checkout 500s', severity: 'critical', status: 'investigating', assignee_id: engineer.userId, service_ids: [serviceA.id, serviceB.id],
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: incident.id, title: 'Checkout 500s', severity: 'critical', status: 'investigating', assignee_id: engineer.userId,
      assignee: 'Erin Engineer', description: '', visibility: 'public',
    });
    expect(new Set(response.body.service_ids)).toEqual(new Set([serviceA.id, serviceB.id]));
    expect(response.body.updated_at > (incident.updated_at as string)).toBe(true);
    const entries = response.body.timeline.slice(1);
    expect(entries.map((e: { kind: string }) => e.kind)).toEqual(['edited', 'severity_changed', 'assignee_changed', 'services_changed', 'status_changed']);
    expect(entries.every((e: { actor_id: string }) => e.actor_id === engineer.userId)).toBe(true);
    expect(entries[0].data).toEqual({ fields: ['title'], title: { from: 'Checkout errors', to: 'Checkout 500s' } });
    expect(entries[1]).toMatchObject({ message: 'Severity high → critical', data: { from: 'high', to: 'critical' } });
    expect(entries[2]).toMatchObject({ message: 'Assigned to Erin Engineer', data: { from: null, to: engineer.userId } });
    expect(entries[3].data.added.map((s: { name: string }) => s.name).sort()).toEqual(['Checkout API', 'Payments']);
    expect(entries[4].data).toEqual({ from: 'active', to: 'investigating' });

    // Unlinking, unassigning and a no-op field.
    const second = await patch(engineer, `/incidents/${incident.id}`, { service_ids: [serviceB.id], assignee_id: null, severity: 'critical' });
    expect(second.body.service_ids).toEqual([serviceB.id]);
    expect(second.body.assignee).toBeNull();
    expect(kinds(second.body).slice(6)).toEqual(['assignee_changed', 'services_changed']);
    expect(second.body.timeline.at(-1).data.removed).toEqual([{ id: serviceA.id, name: 'Checkout API' }]);

    // Nothing changes: no entry, no new version.
    const same = await patch(engineer, `/incidents/${incident.id}`, { severity: 'critical' });
    expect(same.body.timeline_total).toBe(second.body.timeline_total);
    expect(same.body.updated_at).toBe(second.body.updated_at);
  });

  it('an invalid transition is 422 INVALID_STATUS_TRANSITION and rolls the whole PATCH back', async () => {
    const incident = await open({ status: 'monitoring' });
    const error = expectError(await patch(owner, `/incidents/${incident.id}`, { title: 'Renamed', status: 'active' }), 422, 'INVALID_STATUS_TRANSITION');
    expect(error.fields).toEqual([{ path: 'status', code: 'invalid_transition', message: 'monitoring → active is not allowed' }]);
    const detail = (await get(owner, `/incidents/${incident.id}`)).body;
    expect(detail).toMatchObject({ title: 'Checkout errors', status: 'monitoring' });
    expect(kinds(detail)).toEqual(['created']);
  });

  it('acknowledge is a fact: recorded once, idempotent, status untouched; a resolved incident cannot be acknowledged', async () => {
    const incident = await open();
    server.clock.advance(30);
    const first = await post(engineer, `/incidents/${incident.id}/acknowledge`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'active', acknowledged_by: engineer.userId });
    expect(first.body.acknowledged_at).toBe(server.clock.now().toISOString());
    server.clock.advance(30);
    const again = await post(owner, `/incidents/${incident.id}/acknowledge`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ acknowledged_by: engineer.userId, acknowledged_at: first.body.acknowledged_at, timeline_total: first.body.timeline_total });
    expect(kinds(again.body)).toEqual(['created', 'acknowledged']);

    const resolved = await open({ status: 'resolved' });
    expectError(await post(owner, `/incidents/${resolved.id}/acknowledge`), 409, 'CONFLICT');
  });

  it('posts updates (public by default, is_public:false or visibility:internal for the team), optionally moving the status', async () => {
    const incident = await open();
    const plain = await post(engineer, `/incidents/${incident.id}/updates`, { message: 'Looking into it' });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ kind: 'update', message: 'Looking into it', visibility: 'public', is_public: true, status: 'active', actor_id: engineer.userId, incident_id: incident.id });
    const internal = await post(engineer, `/incidents/${incident.id}/updates`, { message: 'Paging DB team', is_public: false });
    expect(internal.body).toMatchObject({ visibility: 'internal', is_public: false });
    const moving = await post(engineer, `/incidents/${incident.id}/updates`, { status: 'monitoring', message: 'Failover complete. Watching for 15 minutes.', is_public: true });
    expect(moving.body).toMatchObject({ status: 'monitoring', data: { status: { from: 'active', to: 'monitoring' } } });
    const detail = (await get(owner, `/incidents/${incident.id}`)).body;
    expect(detail.status).toBe('monitoring');
    expect(kinds(detail)).toEqual(['created', 'update', 'update', 'update', 'status_changed']);
    expectError(await post(engineer, `/incidents/${incident.id}/updates`, { message: 'back', status: 'active' }), 422, 'INVALID_STATUS_TRANSITION');
    expect((await get(owner, `/incidents/${incident.id}`)).body.timeline_total).toBe(detail.timeline_total);
  });

  it('resolves with root cause and postmortem, refuses to resolve twice, re-opens to investigating only', async () => {
    const incident = await open();
    server.clock.advance(600);
    const resolved = await post(engineer, `/incidents/${incident.id}/resolve`, { root_cause: 'Stale DNS cache after failover.', postmortem: '# What happened\n\nDNS.' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved', resolved_by: engineer.userId, resolved_at: server.clock.now().toISOString(), root_cause: 'Stale DNS cache after failover.',
      postmortem: '# What happened\n\nDNS.', postmortem_updated_by: engineer.userId,
    });
    expect(kinds(resolved.body)).toEqual(['created', 'resolved', 'postmortem']);
    expect(resolved.body.timeline[1].data).toMatchObject({ from: 'active', root_cause: 'Stale DNS cache after failover.' });
    expectError(await post(engineer, `/incidents/${incident.id}/resolve`, {}), 422, 'INVALID_STATUS_TRANSITION');
    expectError(await patch(engineer, `/incidents/${incident.id}`, { status: 'identified' }), 422, 'INVALID_STATUS_TRANSITION');

    const reopened = await patch(engineer, `/incidents/${incident.id}`, { status: 'investigating' });
    expect(reopened.body).toMatchObject({ status: 'investigating', resolved_at: null, resolved_by: null, root_cause: 'Stale DNS cache after failover.' });
    expect(reopened.body.timeline.at(-1)).toMatchObject({ kind: 'reopened', data: { from: 'resolved', to: 'investigating' } });

    // Resolving through PATCH is the same resolution.
    const again = await patch(engineer, `/incidents/${incident.id}`, { status: 'resolved' });
    expect(again.body.timeline.at(-1).kind).toBe('resolved');
  });

  it('PUT /postmortem writes, replaces and removes the markdown, each on the timeline', async () => {
    const incident = await open();
    const put = (postmortem: string) => call(api, 'PUT', `/incidents/${incident.id}/postmortem`, { token: engineer.accessToken, body: { postmortem } });
    const written = await put('## Timeline\n- 14:32 failover');
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject({ postmortem: '## Timeline\n- 14:32 failover', postmortem_updated_by: engineer.userId });
    expect((await put('## Timeline\n- 14:32 failover')).body.timeline_total).toBe(written.body.timeline_total);
    expect((await put('v2')).body.postmortem).toBe('v2');
    const removed = await put('   ');
    expect(removed.body.postmortem).toBeNull();
    expect(removed.body.timeline.slice(1).map((e: { message: string }) => e.message)).toEqual(['Postmortem written', 'Postmortem updated', 'Postmortem removed']);
    expectError(await call(api, 'PUT', `/incidents/${incident.id}/postmortem`, { token: engineer.accessToken, body: {} }), 422, 'VALIDATION_FAILED');
  });

  it('pages the whole timeline oldest first', async () => {
    const incident = await open();
    for (let i = 0; i < 5; i++) await post(engineer, `/incidents/${incident.id}/updates`, { message: `note ${i}` });
    const page = await get(owner, `/incidents/${incident.id}/timeline?limit=3&offset=2`);
    expect(page.body.meta).toEqual({ total: 6, limit: 3, offset: 2 });
    expect(page.body.data.map((e: { message: string }) => e.message)).toEqual(['note 1', 'note 2', 'note 3']);
  });

  it('audits every change in the same transaction', async () => {
    const incident = await open();
    await post(engineer, `/incidents/${incident.id}/acknowledge`);
    await post(engineer, `/incidents/${incident.id}/updates`, { message: 'hi' });
    await patch(engineer, `/incidents/${incident.id}`, { severity: 'low' });
    await post(engineer, `/incidents/${incident.id}/resolve`, { root_cause: 'x' });
    await call(api, 'PUT', `/incidents/${incident.id}/postmortem`, { token: engineer.accessToken, body: { postmortem: 'pm' } });
    await patch(engineer, `/incidents/${incident.id}`, { status: 'investigating' });
    const audit = await call(api, 'GET', `/audit?limit=100`, { token: owner.accessToken });
    const actions = audit.body.data.filter((e: { resource_id: string }) => e.resource_id === incident.id).map((e: { action: string }) => e.action).reverse();
    expect(actions).toEqual(['CREATE_INCIDENT', 'ACKNOWLEDGE_INCIDENT', 'POST_INCIDENT_UPDATE', 'UPDATE_INCIDENT', 'RESOLVE_INCIDENT', 'UPDATE_POSTMORTEM', 'REOPEN_INCIDENT']);
    const update = audit.body.data.find((e: { action: string; resource_id: string }) => e.action === 'UPDATE_INCIDENT' && e.resource_id === incident.id);
    expect(update.meta.diff.severity).toEqual({ from: 'high', to: 'low' });
    expect(update.actor_user_id).toBe(engineer.userId);
  });

  it('another organization\'s incident is 404 on every route', async () => {
    const incident = await open();
    const paths: Array<[string, string, unknown?]> = [
      ['GET', `/incidents/${incident.id}`], ['GET', `/incidents/${incident.id}/timeline`], ['PATCH', `/incidents/${incident.id}`, { title: 'mine' }],
      ['POST', `/incidents/${incident.id}/updates`, { message: 'hi' }], ['POST', `/incidents/${incident.id}/acknowledge`],
      ['POST', `/incidents/${incident.id}/resolve`, {}], ['PUT', `/incidents/${incident.id}/postmortem`, { postmortem: 'x' }],
    ];
    for (const [method, path, body] of paths) {
      expectError(await call(api, method, path, { token: other.accessToken, ...(body === undefined ? {} : { body }) }), 404, 'NOT_FOUND');
    }
    expect((await get(owner, `/incidents/${incident.id}`)).body).toMatchObject({ title: 'Checkout errors', status: 'active', acknowledged_at: null, timeline_total: 1 });
    expectError(await get(owner, '/incidents/not-an-incident'), 404, 'NOT_FOUND');
  });

  it('viewers and read-only keys read but do not write; Opsentry\'s scopes work', async () => {
    const incident = await open();
    expect((await get(viewer, `/incidents/${incident.id}`)).status).toBe(200);
    expectError(await patch(viewer, `/incidents/${incident.id}`, { severity: 'low' }), 403, 'INSUFFICIENT_ROLE');
    expectError(await post(viewer, `/incidents/${incident.id}/acknowledge`), 403, 'INSUFFICIENT_ROLE');
    const reader = await createApiKey(api, owner.accessToken, { name: 'status', scopes: ['read:status'] });
    const asReader = { headers: { 'x-api-key': reader.token } };
    expect((await call(api, 'GET', `/incidents/${incident.id}`, asReader)).status).toBe(200);
    expectError(await call(api, 'POST', `/incidents/${incident.id}/resolve`, { ...asReader, body: {} }), 403, 'PAT_SCOPE_INSUFFICIENT');
    const writer = await createApiKey(api, owner.accessToken, { name: 'ci', scopes: ['write:incidents'] });
    const resolved = await call(api, 'POST', `/incidents/${incident.id}/resolve`, { headers: { 'x-api-key': writer.token }, body: { root_cause: 'deploy' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolved_by).toBe(owner.userId);
  });
});
