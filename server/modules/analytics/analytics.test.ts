import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createApiKey, expectError, inviteMember, register, startClockedTestServer, type Account, type ManualClock, type TestServer } from '../../testing/harness';

const DAY = 86_400;

describe('GET /analytics', () => {
  let server: TestServer & { clock: ManualClock };
  let owner: Account;
  let key: string;
  let viewerKey: string;
  let incidentsOnlyKey: string;
  let analyticsKey: string;
  let monday: Date;
  const ids: Record<string, string> = {};

  const post = async (path: string, body: Record<string, unknown> = {}) => {
    const response = await call(server.api, 'POST', path, { token: key, body });
    expect(response.status, response.text).toBeLessThan(300);
    return response.body;
  };
  const report = async (query: string, token = key) => {
    const response = await call(server.api, 'GET', `/analytics?${query}`, { token });
    expect(response.status, response.text).toBe(200);
    return response.body;
  };
  const at = (seconds: number) => new Date(monday.getTime() + seconds * 1000).toISOString();
  /** Moves the clock to `seconds` after Monday 00:00 UTC. */
  const moveTo = (seconds: number) => server.clock.advance((Date.parse(at(seconds)) - server.clock.now().getTime()) / 1000);

  beforeAll(async () => {
    server = await startClockedTestServer();
    owner = await register(server.api, 'Owner');
    // A key, not an access token: the clock moves by days.
    key = (await createApiKey(server.api, owner.accessToken, { name: 'all' })).token;
    incidentsOnlyKey = (await createApiKey(server.api, owner.accessToken, { name: 'incidents', scopes: ['incidents:read'] })).token;
    analyticsKey = (await createApiKey(server.api, owner.accessToken, { name: 'analytics', scopes: ['analytics:read'] })).token;
    const viewer = await inviteMember(server.api, owner, 'viewer');
    viewerKey = (await createApiKey(server.api, viewer.accessToken, { name: 'viewer' })).token;
    const now = server.clock.now();
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    const toMonday = (8 - new Date(midnight).getUTCDay()) % 7;
    monday = new Date(midnight + toMonday * DAY * 1000);
    const x = (await post('/services', { name: 'Checkout' })).id;
    const y = (await post('/services', { name: 'Search' })).id;

    // Monday, from 01:00: A (critical) acknowledged after 120 s and resolved after 600 s; B (high) acknowledged after 60 s.
    moveTo(3600);
    ids.a = (await post('/incidents', { title: 'A', severity: 'critical' })).id;
    moveTo(3600 + 120);
    await post(`/incidents/${ids.a}/acknowledge`);
    moveTo(3600 + 600);
    await post(`/incidents/${ids.a}/resolve`, { root_cause: 'x' });
    moveTo(3600 + 1000);
    ids.b = (await post('/incidents', { title: 'B', severity: 'high' })).id;
    moveTo(3600 + 1060);
    await post(`/incidents/${ids.b}/acknowledge`);
    // Tuesday: C (low, on Checkout), resolved an hour later, never acknowledged.
    moveTo(DAY + 3600);
    ids.c = (await post('/incidents', { title: 'C', severity: 'low', service_ids: [x] })).id;
    moveTo(DAY + 7200);
    await post(`/incidents/${ids.c}/resolve`);
    // The next Monday: D (medium, on Checkout and Search).
    moveTo(7 * DAY + 3600);
    ids.d = (await post('/incidents', { title: 'D', severity: 'medium', service_ids: [x, y] })).id;
    ids.x = x;
    ids.y = y;
    moveTo(8 * DAY + 3600);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('computes MTTA, MTTR and counts over the range, and per day with empty days included', async () => {
    const body = await report(`from=${at(0)}&to=${at(14 * DAY)}`);
    expect(body).toMatchObject({
      from: at(0), to: at(14 * DAY), group_by: 'day', service_id: null,
      incidents: 4, open: 2, acknowledged: 2, resolved: 2,
      mtta_seconds: 90, // (120 + 60) / 2
      mttr_seconds: 2100, // (600 + 3600) / 2
      by_severity: { critical: 1, high: 1, medium: 1, low: 1 },
      by_status: { active: 2, investigating: 0, identified: 0, monitoring: 0, mitigated: 0, resolved: 2 },
      by_service: [{ service_id: ids.x, name: 'Checkout', incidents: 2 }, { service_id: ids.y, name: 'Search', incidents: 1 }],
    });
    expect(body.series).toHaveLength(14);
    expect(body.series.map((p: { period_start: string }) => p.period_start)).toEqual(Array.from({ length: 14 }, (_, i) => at(i * DAY)));
    expect(body.series[0]).toEqual({
      period_start: at(0), incidents: 2, acknowledged: 2, resolved: 1, mtta_seconds: 90, mttr_seconds: 600,
      by_severity: { critical: 1, high: 1, medium: 0, low: 0 },
    });
    expect(body.series[1]).toMatchObject({ incidents: 1, acknowledged: 0, resolved: 1, mtta_seconds: null, mttr_seconds: 3600 });
    expect(body.series[2]).toEqual({ period_start: at(2 * DAY), incidents: 0, acknowledged: 0, resolved: 0, mtta_seconds: null, mttr_seconds: null, by_severity: { critical: 0, high: 0, medium: 0, low: 0 } });
    expect(body.series[7]).toMatchObject({ incidents: 1, by_severity: { medium: 1 } });
  });

  it('groups by week, weeks starting on Monday, even when the range starts mid-week', async () => {
    const body = await report(`from=${at(2 * DAY)}&to=${at(14 * DAY)}&group_by=week`);
    expect(body.series.map((p: { period_start: string; incidents: number }) => [p.period_start, p.incidents])).toEqual([[at(0), 0], [at(7 * DAY), 1]]);
    const whole = await report(`from=${at(0)}&to=${at(14 * DAY)}&group_by=week`);
    expect(whole.series.map((p: { incidents: number }) => p.incidents)).toEqual([3, 1]);
    expect(whole.series[0]).toMatchObject({ acknowledged: 2, resolved: 2, mtta_seconds: 90, mttr_seconds: 2100 });
  });

  it('narrows to one service, and to the range (from inclusive, to exclusive)', async () => {
    const checkout = await report(`from=${at(0)}&to=${at(14 * DAY)}&service_id=${ids.x}`);
    expect(checkout).toMatchObject({ incidents: 2, service_id: ids.x, mttr_seconds: 3600, by_severity: { low: 1, medium: 1 } });
    expect(checkout.by_service.map((s: { name: string }) => s.name)).toEqual(['Checkout', 'Search']);
    expect((await report(`from=${at(3600)}&to=${at(3600 + 1000)}`)).incidents).toBe(1);
    expect((await report(`from=${at(3600 + 1)}&to=${at(DAY + 3600 + 1)}`)).incidents).toBe(2);
  });

  it('defaults to the 30 days up to now, by day', async () => {
    const body = await report('');
    expect(body.to).toBe(server.clock.now().toISOString());
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * DAY * 1000);
    expect(body.group_by).toBe('day');
    expect(body.incidents).toBe(4);
    expect(body.series).toHaveLength(31);
  });

  it('refuses a backwards range, and one of more than 400 periods', async () => {
    expectError(await call(server.api, 'GET', `/analytics?from=${at(DAY)}&to=${at(0)}`, { token: key }), 422, 'VALIDATION_FAILED');
    expectError(await call(server.api, 'GET', `/analytics?from=${at(0)}&to=${at(401 * DAY)}`, { token: key }), 422, 'VALIDATION_FAILED');
    expect((await report(`from=${at(0)}&to=${at(401 * DAY)}&group_by=week`)).series).toHaveLength(58);
    expectError(await call(server.api, 'GET', `/analytics?group_by=month`, { token: key }), 422, 'VALIDATION_FAILED');
  });

  it('counts only the caller\'s organization; any member may read it, a key needs analytics:read', async () => {
    const other = await register(server.api, 'Other');
    expect((await report(`from=${at(0)}&to=${at(14 * DAY)}`, other.accessToken)).incidents).toBe(0);
    expect((await report(`from=${at(0)}&to=${at(14 * DAY)}`, viewerKey)).incidents).toBe(4);
    expectError(await call(server.api, 'GET', '/analytics', { token: incidentsOnlyKey }), 403, 'PAT_SCOPE_INSUFFICIENT');
    expect((await call(server.api, 'GET', '/analytics', { token: analyticsKey })).status).toBe(200);
  });
});
