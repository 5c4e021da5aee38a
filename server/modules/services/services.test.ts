import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call, createApiKey, expectError, inviteMember, register, startClockedTestServer, startTestServer, type Account, type ManualClock, type TestServer,
} from '../../testing/harness';

describe('/services', () => {
  let server: TestServer;
  let owner: Account;
  let engineer: Account;
  let viewer: Account;
  let other: Account;
  const as = (account: Account) => ({ token: account.accessToken });

  beforeAll(async () => {
    server = await startTestServer();
    owner = await register(server.api, 'Owner');
    other = await register(server.api, 'Other');
    engineer = await inviteMember(server.api, owner, 'engineer');
    viewer = await inviteMember(server.api, owner, 'viewer');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('creates with a slug from the name, and refuses a slug already in use', async () => {
    const created = await call(server.api, 'POST', '/services', { ...as(engineer), body: { name: 'Main API!', tags: ['prod', 'customer-facing'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Main API!', slug: 'main-api', current_status: 'operational', visibility: 'public', tags: ['prod', 'customer-facing'], description: '' });
    expectError(await call(server.api, 'POST', '/services', { ...as(owner), body: { name: 'Main API' } }), 409, 'SERVICE_SLUG_TAKEN');
    const explicit = await call(server.api, 'POST', '/services', { ...as(owner), body: { name: 'Main API (EU)', slug: 'main-api-eu', visibility: 'internal', current_status: 'degraded_performance' } });
    expect(explicit.status).toBe(201);
    expectError(await call(server.api, 'PATCH', `/services/${explicit.body.id}`, { ...as(owner), body: { slug: 'main-api' } }), 409, 'SERVICE_SLUG_TAKEN');
    expectError(await call(server.api, 'POST', '/services', { ...as(owner), body: { name: 'x', slug: 'Not A Slug' } }), 422, 'VALIDATION_FAILED');
    expectError(await call(server.api, 'POST', '/services', { ...as(owner), body: { name: 'x', current_status: 'down' } }), 422, 'VALIDATION_FAILED');
    // The same slug is free in another organization.
    expect((await call(server.api, 'POST', '/services', { ...as(other), body: { name: 'Main API' } })).status).toBe(201);
  });

  it('lists by name with Opsentry\'s filters: status, visibility, search, tag; 100 per page by default', async () => {
    await call(server.api, 'POST', '/services', { ...as(owner), body: { name: 'Billing worker', description: 'Invoices and dunning', tags: ['prod'] } });
    const names = async (query: string) => (await call(server.api, 'GET', `/services${query}`, as(owner))).body.data.map((s: { name: string }) => s.name);
    const all = await call(server.api, 'GET', '/services', as(viewer));
    expect(all.body.meta).toEqual({ total: 3, limit: 100, offset: 0 });
    expect(await names('')).toEqual(['Billing worker', 'Main API (EU)', 'Main API!']);
    expect(await names('?status=degraded_performance')).toEqual(['Main API (EU)']);
    expect(await names('?visibility=internal')).toEqual(['Main API (EU)']);
    expect(await names('?search=dunning')).toEqual(['Billing worker']);
    expect(await names('?search=main%20eu')).toEqual(['Main API (EU)']);
    expect(await names('?tag=prod')).toEqual(['Billing worker', 'Main API!']);
    expect(await names('?tag=customer-facing&status=operational')).toEqual(['Main API!']);
    expectError(await call(server.api, 'GET', '/services?limit=200', as(owner)), 422, 'VALIDATION_FAILED');
  });

  it('PATCH changes fields; a new status starts a row of the status history', async () => {
    const service = (await call(server.api, 'POST', '/services', { ...as(owner), body: { name: 'Search' } })).body;
    const degraded = await call(server.api, 'PATCH', `/services/${service.id}`, { ...as(engineer), body: { current_status: 'major_outage', description: 'Elastic' } });
    expect(degraded.body).toMatchObject({ current_status: 'major_outage', description: 'Elastic', name: 'Search' });
    await call(server.api, 'PATCH', `/services/${service.id}`, { ...as(engineer), body: { current_status: 'operational' } });
    await call(server.api, 'PATCH', `/services/${service.id}`, { ...as(engineer), body: { current_status: 'operational', tags: ['x'] } });
    const history = (await call(server.api, 'GET', `/services/${service.id}/status-history`, as(viewer))).body;
    expect(history.meta.total).toBe(3);
    expect(history.data.map((h: { status: string }) => h.status)).toEqual(['operational', 'major_outage', 'operational']);
    expect(history.data[0].ended_at).toBeNull();
    expect(history.data[1].ended_at).toBe(history.data[0].started_at);
    expect(history.data[1].changed_by).toBe(engineer.userId);
    const audit = (await call(server.api, 'GET', '/audit?limit=20', as(owner))).body.data.filter((e: { resource_id: string }) => e.resource_id === service.id);
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['UPDATE_SERVICE', 'UPDATE_SERVICE', 'UPDATE_SERVICE', 'CREATE_SERVICE']);
    expect(audit[2].meta.diff.current_status).toEqual({ from: 'operational', to: 'major_outage' });
  });

  it('DELETE (admins) removes the service from lists and from the incidents it affected', async () => {
    const service = (await call(server.api, 'POST', '/services', { ...as(owner), body: { name: 'Legacy' } })).body;
    const incident = (await call(server.api, 'POST', '/incidents', { ...as(owner), body: { title: 'Legacy down', service_ids: [service.id] } })).body;
    expectError(await call(server.api, 'DELETE', `/services/${service.id}`, as(engineer)), 403, 'INSUFFICIENT_ROLE');
    expect((await call(server.api, 'DELETE', `/services/${service.id}`, as(owner))).status).toBe(204);
    expectError(await call(server.api, 'GET', `/services/${service.id}`, as(owner)), 404, 'NOT_FOUND');
    expectError(await call(server.api, 'DELETE', `/services/${service.id}`, as(owner)), 404, 'NOT_FOUND');
    const detail = (await call(server.api, 'GET', `/incidents/${incident.id}`, as(owner))).body;
    expect(detail.services).toEqual([]);
    expect(detail.service_ids).toEqual([]);
    // Its slug is free again.
    expect((await call(server.api, 'POST', '/services', { ...as(owner), body: { name: 'Legacy' } })).status).toBe(201);
  });

  it('another organization\'s service is 404; viewers and read:status keys only read', async () => {
    const service = (await call(server.api, 'POST', '/services', { ...as(owner), body: { name: 'Private' } })).body;
    for (const [method, path, body] of [
      ['GET', `/services/${service.id}`], ['PATCH', `/services/${service.id}`, { name: 'Mine' }], ['DELETE', `/services/${service.id}`],
      ['GET', `/services/${service.id}/uptime`], ['GET', `/services/${service.id}/status-history`],
    ] as Array<[string, string, unknown?]>) {
      expectError(await call(server.api, method, path, { ...as(other), ...(body ? { body } : {}) }), 404, 'NOT_FOUND');
    }
    expect((await call(server.api, 'GET', '/services', as(other))).body.data.map((s: { name: string }) => s.name)).toEqual(['Main API']);
    expectError(await call(server.api, 'POST', '/services', { ...as(viewer), body: { name: 'Nope' } }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(server.api, 'PATCH', `/services/${service.id}`, { ...as(viewer), body: { name: 'Nope' } }), 403, 'INSUFFICIENT_ROLE');
    const key = await createApiKey(server.api, owner.accessToken, { name: 'status board', scopes: ['read:status'] });
    const headers = { 'x-api-key': key.token };
    expect((await call(server.api, 'GET', `/services/${service.id}/uptime`, { headers })).status).toBe(200);
    expectError(await call(server.api, 'PATCH', `/services/${service.id}`, { headers, body: { name: 'x' } }), 403, 'PAT_SCOPE_INSUFFICIENT');
    const incidentsOnly = await createApiKey(server.api, owner.accessToken, { name: 'incidents', scopes: ['incidents:read'] });
    expectError(await call(server.api, 'GET', '/services', { headers: { 'x-api-key': incidentsOnly.token } }), 403, 'PAT_SCOPE_INSUFFICIENT');
  });
});

describe('GET /services/{id}/uptime arithmetic', () => {
  let server: TestServer & { clock: ManualClock };
  let headers: Record<string, string>;
  const HOUR = 3600;
  const DAY = 24 * HOUR;

  // An API key, not a session: the clock moves a month and sessions last an hour.
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await call(server.api, method, path, { headers, ...(body === undefined ? {} : { body }) });
    expect(response.status, `${method} ${path}: ${response.text}`).toBeLessThan(300);
    return response.body;
  };
  const incident = async (serviceId: string, impact: string) => (await send('POST', '/incidents', { title: `${impact} on ${serviceId}`, service_ids: [serviceId], impact })).id as string;
  const advance = (seconds: number) => server.clock.advance(seconds);

  beforeAll(async () => {
    server = await startClockedTestServer();
    const owner = await register(server.api, 'Owner');
    headers = { 'x-api-key': (await createApiKey(server.api, owner.accessToken, { name: 'uptime', scopes: ['*'] })).token };
  });
  afterAll(async () => {
    await server.stop();
  });

  it('weighs major outage fully and partial outage at 0.3, from status history and linked incidents, leaving maintenance out', async () => {
    // Day 0.
    const service = (await send('POST', '/services', { name: 'Checkout' })).id;
    const untouched = (await send('POST', '/services', { name: 'Untouched' })).id;
    const elsewhere = (await send('POST', '/services', { name: 'Elsewhere' })).id;

    // Day 10: a one-hour major outage by status.
    advance(10 * DAY);
    await send('PATCH', `/services/${service}`, { current_status: 'major_outage' });
    advance(HOUR);
    await send('PATCH', `/services/${service}`, { current_status: 'operational' });

    // Day 20: two hours of maintenance; a major incident inside it does not count.
    advance(10 * DAY - HOUR);
    await send('PATCH', `/services/${service}`, { current_status: 'under_maintenance' });
    advance(HOUR / 2);
    const duringMaintenance = await incident(service, 'major_outage');
    advance(HOUR / 2);
    await send('POST', `/incidents/${duringMaintenance}/resolve`, {});
    advance(HOUR);
    await send('PATCH', `/services/${service}`, { current_status: 'operational' });

    // Day 25: a partial outage incident for ten hours (3 h of downtime). Another service's incident is not ours.
    advance(5 * DAY - 2 * HOUR);
    const partial = await incident(service, 'partial_outage');
    const theirs = await incident(elsewhere, 'major_outage');
    advance(10 * HOUR);
    await send('POST', `/incidents/${partial}/resolve`, {});
    await send('POST', `/incidents/${theirs}/resolve`, {});

    // Day 29: partial outage by status for 2 h, overlapped by a major incident from +1 h to +3 h:
    // 1 h × 0.3 + 1 h × 1 (the worse of the two) + 1 h × 1 = 2.3 h.
    advance(4 * DAY - 10 * HOUR);
    await send('PATCH', `/services/${service}`, { current_status: 'partial_outage' });
    advance(HOUR);
    const major = await incident(service, 'major_outage');
    advance(HOUR);
    await send('PATCH', `/services/${service}`, { current_status: 'operational' });
    advance(HOUR);
    await send('POST', `/incidents/${major}/resolve`, {});

    // Day 29 +4 h: open 1 h, resolved, re-opened at +6 h for 30 min: 1.5 h, of which 0.5 h in the last day.
    advance(HOUR);
    const flapping = await incident(service, 'major_outage');
    advance(HOUR);
    await send('POST', `/incidents/${flapping}/resolve`, {});
    advance(HOUR);
    await send('PATCH', `/incidents/${flapping}`, { status: 'investigating' });
    advance(HOUR / 2);
    await send('POST', `/incidents/${flapping}/resolve`, {});

    // Day 29 +8 h: a major incident linked for 15 minutes, then unlinked while still open.
    advance(HOUR + HOUR / 2);
    const unlinked = await incident(service, 'major_outage');
    advance(HOUR / 4);
    await send('PATCH', `/incidents/${unlinked}`, { service_ids: [] });

    // A service created 12 h before now, in major outage for its last 3 h: measured only since creation.
    advance(9 * HOUR + 45 * 60);
    const young = (await send('POST', '/services', { name: 'Young' })).id;
    advance(9 * HOUR);
    await send('PATCH', `/services/${young}`, { current_status: 'major_outage' });
    advance(3 * HOUR);
    // Now: day 30 + 6 h.

    // 30 d: measured 720 h - 2 h maintenance = 718 h; down 1 + 3 + 2.3 + 1.5 + 0.25 = 8.05 h → 98.8788…%.
    // 7 d (from day 23 + 6 h): 168 h; down 3 + 2.3 + 1.5 + 0.25 = 7.05 h → 95.8035…%.
    // 24 h (from day 29 + 6 h): 24 h; down 0.5 + 0.25 = 0.75 h → 96.875%.
    expect(await send('GET', `/services/${service}/uptime`)).toEqual({ service_id: service, uptime_24h: 96.87, uptime_7d: 95.8, uptime_30d: 98.87 });
    expect(await send('GET', `/services/${untouched}/uptime`)).toEqual({ service_id: untouched, uptime_24h: 100, uptime_7d: 100, uptime_30d: 100 });
    // Elsewhere's 10 h major incident was on day 25: outside the last day, inside the last week.
    // 7 d: 158/168 = 94.047…%; 30 d: 710/720 = 98.611…%.
    expect(await send('GET', `/services/${elsewhere}/uptime`)).toEqual({ service_id: elsewhere, uptime_24h: 100, uptime_7d: 94.04, uptime_30d: 98.61 });
    expect(await send('GET', `/services/${young}/uptime`)).toEqual({ service_id: young, uptime_24h: 75, uptime_7d: 75, uptime_30d: 75 });
  });
});
