import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, inviteMember, register, startClockedTestServer, type Account, type ManualClock, type TestServer } from '../../testing/harness';

describe('GET /incidents filters, search and sort', () => {
  let server: TestServer & { clock: ManualClock };
  let owner: Account;
  let engineer: Account;
  let other: Account;
  let checkout: string;
  let payments: string;
  const ids: Record<string, string> = {};
  const times: Record<string, string> = {};

  const titles = async (query: string, account: Account = owner): Promise<string[]> => {
    const response = await call(server.api, 'GET', `/incidents${query}`, { token: account.accessToken });
    expect(response.status, response.text).toBe(200);
    return response.body.data.map((i: { title: string }) => i.title);
  };

  beforeAll(async () => {
    server = await startClockedTestServer();
    owner = await register(server.api, 'Owner');
    other = await register(server.api, 'Other');
    engineer = await inviteMember(server.api, owner, 'engineer', 'Erin');
    checkout = (await call(server.api, 'POST', '/services', { token: owner.accessToken, body: { name: 'Checkout' } })).body.id;
    payments = (await call(server.api, 'POST', '/services', { token: owner.accessToken, body: { name: 'Payments' } })).body.id;
    const seed: Array<[string, Record<string, unknown>]> = [
      ['Redis failover in us-east-1', { severity: 'critical', description: 'Sentinel promoted a replica', service_ids: [checkout] }],
      ['Payment service latency spike', { severity: 'high', assignee_id: 'ENGINEER', service_ids: [payments, checkout] }],
      ['Database connection pool exhaustion', { severity: 'high', status: 'investigating', description: 'PostgreSQL max_connections reached' }],
      ['CDN 5xx in EU', { severity: 'low', assignee_id: 'OWNER', description: '100% of "edge" nodes' }],
      ['Disk full on db-1', { severity: 'medium', status: 'resolved' }],
    ];
    for (const [title, body] of seed) {
      server.clock.advance(60);
      const assignee = body.assignee_id === 'ENGINEER' ? engineer.userId : body.assignee_id === 'OWNER' ? owner.userId : undefined;
      const response = await call(server.api, 'POST', '/incidents', { token: owner.accessToken, body: { title, ...body, ...(assignee ? { assignee_id: assignee } : {}) } });
      expect(response.status, response.text).toBe(201);
      ids[title] = response.body.id;
      times[title] = response.body.created_at;
    }
    await call(server.api, 'POST', '/incidents', { token: other.accessToken, body: { title: 'Redis failover elsewhere', severity: 'critical' } });
    // Touch the oldest last, so "recently updated" differs from "recently created".
    server.clock.advance(60);
    await call(server.api, 'POST', `/incidents/${ids['Redis failover in us-east-1']}/updates`, { token: owner.accessToken, body: { message: 'still failing over' } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('is newest first by default and keeps 001\'s list shape', async () => {
    const response = await call(server.api, 'GET', '/incidents?status=active&severity=high&limit=25', { token: owner.accessToken });
    expect(response.body.meta).toEqual({ total: 1, limit: 25, offset: 0 });
    expect(response.body.data[0]).toMatchObject({ id: ids['Payment service latency spike'], title: 'Payment service latency spike', severity: 'high', status: 'active', assignee: 'Erin' });
    expect(await titles('')).toEqual([
      'Disk full on db-1', 'CDN 5xx in EU', 'Database connection pool exhaustion', 'Payment service latency spike', 'Redis failover in us-east-1',
    ]);
  });

  it('filters by status and severity, Opsentry\'s severities included', async () => {
    expect(await titles('?status=resolved')).toEqual(['Disk full on db-1']);
    expect(await titles('?severity=major_outage')).toEqual(['Redis failover in us-east-1']);
    expect(await titles('?severity=informational')).toEqual(['CDN 5xx in EU']);
    expectError(await call(server.api, 'GET', '/incidents?status=open', { token: owner.accessToken }), 422, 'VALIDATION_FAILED');
  });

  it('searches words anywhere in title or description, any case, all words required, through the full-text index', async () => {
    expect(await titles('?search=failover')).toEqual(['Redis failover in us-east-1']);
    expect(await titles('?search=FAIL')).toEqual(['Redis failover in us-east-1']);
    expect(await titles('?search=sentinel%20replica')).toEqual(['Redis failover in us-east-1']);
    expect(await titles('?search=postgresql')).toEqual(['Database connection pool exhaustion']);
    expect(await titles('?search=redis%20postgresql')).toEqual([]);
    expect(await titles('?search=connection')).toEqual(['Database connection pool exhaustion']);
    // Words under three characters, quotes and LIKE's wildcards are taken literally.
    expect(await titles('?search=db')).toEqual(['Disk full on db-1']);
    expect(await titles('?search=5xx%20EU')).toEqual(['CDN 5xx in EU']);
    expect(await titles(`?search=${encodeURIComponent('"edge"')}`)).toEqual(['CDN 5xx in EU']);
    expect(await titles('?search=100%25')).toEqual(['CDN 5xx in EU']);
    expect(await titles('?search=%25')).toEqual(['CDN 5xx in EU']);
    expect(await titles('?search=_')).toEqual(['Database connection pool exhaustion']);
    expect(await titles('?search=failover', other)).toEqual(['Redis failover elsewhere']);
  });

  it('filters by created date range', async () => {
    const from = times['Database connection pool exhaustion'];
    const to = times['CDN 5xx in EU'];
    expect(await titles(`?from=${from}&to=${to}`)).toEqual(['CDN 5xx in EU', 'Database connection pool exhaustion']);
  });

  it('filters by affected service', async () => {
    expect(await titles(`?service_id=${checkout}`)).toEqual(['Payment service latency spike', 'Redis failover in us-east-1']);
    expect(await titles(`?service_id=${payments}`)).toEqual(['Payment service latency spike']);
    expect(await titles(`?service_id=${payments}`, other)).toEqual([]);
  });

  it('filters by assignee: an id, me, unassigned', async () => {
    expect(await titles(`?assignee=${engineer.userId}`)).toEqual(['Payment service latency spike']);
    expect(await titles('?assignee=me')).toEqual(['CDN 5xx in EU']);
    expect(await titles('?assignee=me', engineer)).toEqual(['Payment service latency spike']);
    expect(await titles('?assignee=unassigned')).toEqual(['Disk full on db-1', 'Database connection pool exhaustion', 'Redis failover in us-east-1']);
  });

  it('sorts by created_at, updated_at and severity either way', async () => {
    expect(await titles('?sort=created_at')).toEqual([
      'Redis failover in us-east-1', 'Payment service latency spike', 'Database connection pool exhaustion', 'CDN 5xx in EU', 'Disk full on db-1',
    ]);
    expect((await titles('?sort=-updated_at'))[0]).toBe('Redis failover in us-east-1');
    expect((await titles('?sort=updated_at')).at(-1)).toBe('Redis failover in us-east-1');
    expect(await titles('?sort=-severity')).toEqual([
      'Redis failover in us-east-1', 'Database connection pool exhaustion', 'Payment service latency spike', 'Disk full on db-1', 'CDN 5xx in EU',
    ]);
    // Ascending is the exact reverse of descending: within a severity, oldest first.
    expect(await titles('?sort=severity')).toEqual([
      'CDN 5xx in EU', 'Disk full on db-1', 'Payment service latency spike', 'Database connection pool exhaustion', 'Redis failover in us-east-1',
    ]);
    expectError(await call(server.api, 'GET', '/incidents?sort=title', { token: owner.accessToken }), 422, 'VALIDATION_FAILED');
  });

  it('combines filters and pages with the total of the filtered set', async () => {
    const response = await call(server.api, 'GET', `/incidents?severity=high&sort=created_at&limit=1&offset=1`, { token: owner.accessToken });
    expect(response.body.data.map((i: { title: string }) => i.title)).toEqual(['Database connection pool exhaustion']);
    expect(response.body.meta).toEqual({ total: 2, limit: 1, offset: 1 });
    const empty = await call(server.api, 'GET', `/incidents?search=redis&limit=1&offset=5`, { token: owner.accessToken });
    expect(empty.body).toEqual({ data: [], meta: { total: 1, limit: 1, offset: 5 } });
  });

  it('search follows renames', async () => {
    const id = ids['Disk full on db-1'];
    await call(server.api, 'PATCH', `/incidents/${id}`, { token: owner.accessToken, body: { title: 'Volume exhausted on db-1' } });
    expect(await titles('?search=exhausted')).toEqual(['Volume exhausted on db-1']);
    expect(await titles('?search=disk')).toEqual([]);
    await call(server.api, 'PATCH', `/incidents/${id}`, { token: owner.accessToken, body: { title: 'Disk full on db-1' } });
  });
});
