import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app';
import { loadConfig } from '../../config';
import { closeDatabase, openDatabase } from '../../db/database';
import { migrate } from '../../db/migrate';
import { MIGRATIONS } from '../../db/migrations';
import { loadOrCreateKey } from '../../lib/data-dir';
import { databaseFile, formatUrl, VERSION } from '../../start';
import { call, createApiKey, expectError, register, startTestServer, type Account, type TestServer } from '../../testing/harness';

let t: TestServer;
let owner: Account;

beforeAll(async () => {
  t = await startTestServer();
  owner = await register(t.api);
});
afterAll(async () => t.stop());

describe('probes', () => {
  it('GET /health is plain "OK", text/plain, not cached, no credentials needed', async () => {
    const response = await call(t.url, 'GET', '/health');
    expect(response.status).toBe(200);
    expect(response.text).toBe('OK');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('GET /health/live answers {status: "ok"}', async () => {
    const response = await call(t.url, 'GET', '/health/live');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('GET /health/ready is 200 with every check ok', async () => {
    const response = await call(t.url, 'GET', '/health/ready');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body.status).toBe('ready');
    expect(response.body.checks.database).toEqual({ status: 'ok', duration_ms: expect.any(Number) });
    expect(response.body.checks.disk).toEqual({ status: 'ok', duration_ms: expect.any(Number) });
    for (const check of Object.values(response.body.checks) as { status: string }[]) expect(check.status).toBe('ok');
  });

  it('HEAD probes work too (load balancers use them)', async () => {
    const head = await fetch(`${t.url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});

describe('readiness when the database is gone', () => {
  it('answers 503 not_ready with the failing check and its error, while liveness stays up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-health-'));
    const db = openDatabase(databaseFile(dataDir));
    migrate(db, MIGRATIONS);
    const config = loadConfig(['--data-dir', dataDir, '--port', '0', '--log-level', 'silent'], {});
    const { app } = await buildApp({ db, config, jwtKey: loadOrCreateKey(join(dataDir, 'secrets', 'jwt.key')), version: VERSION, logger: false });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      const url = formatUrl('127.0.0.1', typeof address === 'object' && address ? address.port : 0);
      expect((await call(url, 'GET', '/health/ready')).status).toBe(200);
      const user = await register(`${url}/api/v1`);

      db.close();
      const response = await call(url, 'GET', '/health/ready');
      expect(response.status).toBe(503);
      expect(response.body.status).toBe('not_ready');
      expect(response.body.checks.database).toMatchObject({ status: 'fail', error: expect.stringMatching(/database connection is not open/) });
      expect(response.body.checks.disk.status).toBe('ok');
      expect(response.headers.get('cache-control')).toBe('no-store');

      expect((await call(url, 'GET', '/health/live')).status).toBe(200);
      expect((await call(url, 'GET', '/health')).text).toBe('OK');
      // An API call that needs the database fails as a clean 500 envelope that hides the cause.
      const api = await call(`${url}/api/v1`, 'GET', '/api-keys', { token: user.accessToken });
      expect(expectError(api, 500, 'INTERNAL_ERROR').detail).toBe('Internal server error');
      expect(api.text).not.toContain('not open');
    } finally {
      await app.close();
      closeDatabase(db);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('GET /api/v1/health (token check)', () => {
  it('refuses without credentials', async () => {
    expectError(await call(t.api, 'GET', '/health'), 401, 'UNAUTHENTICATED');
  });

  it('answers for a JWT session', async () => {
    const response = await call(t.api, 'GET', '/health', { token: owner.accessToken });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ok: true, org_id: owner.orgId, tenant_id: owner.orgId, user_id: owner.userId, auth: 'session', token_prefix: null, scopes: ['*'],
    });
  });

  it('answers for an API key with its prefix and scopes', async () => {
    const key = await createApiKey(t.api, owner.accessToken, { name: 'ping', scopes: ['read:status'] });
    const response = await call(t.api, 'GET', '/health', { headers: { 'x-api-key': key.token } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ok: true, org_id: owner.orgId, auth: 'api_key', token_prefix: key.token.slice(0, 12) });
    expect(response.body.scopes).toEqual(expect.arrayContaining(['services:read', 'incidents:read', 'maintenance:read']));
  });
});

async function scrape(url: string): Promise<string> {
  const response = await call(url, 'GET', '/metrics');
  expect(response.status).toBe(200);
  return response.text;
}

/** Value of one sample line, e.g. `name{a="b"} 3`; labels in any order. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v) && Object.keys(found).length === Object.keys(labels).length) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('is Prometheus text with request counts and latency buckets by route template', async () => {
    const key = await createApiKey(t.api, owner.accessToken, { name: 'metrics' });
    const before = await scrape(t.url);
    const baseline = sample(before, 'nightshift_http_requests_total', { method: 'DELETE', route: '/api/v1/api-keys/:id', status: '204' }) ?? 0;
    expect((await call(t.api, 'DELETE', `/api-keys/${key.id}`, { token: owner.accessToken })).status).toBe(204);
    for (let i = 0; i < 3; i++) await call(t.url, 'GET', `/no-such-page-${i}`);

    const response = await call(t.url, 'GET', '/metrics');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.text;
    expect(text).toContain('# TYPE nightshift_http_requests_total counter');
    expect(text).toContain('# TYPE nightshift_http_request_duration_seconds histogram');
    expect(sample(text, 'nightshift_http_requests_total', { method: 'DELETE', route: '/api/v1/api-keys/:id', status: '204' })).toBe(baseline + 1);
    // The template, never the raw URL: ids and unknown paths do not grow the label set.
    expect(text).not.toContain(key.id);
    expect(text).not.toContain('no-such-page');
    expect(sample(text, 'nightshift_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(3);

    const labels = { method: 'DELETE', route: '/api/v1/api-keys/:id', status: '204' };
    const buckets = ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
    const counts = buckets.map((le) => sample(text, 'nightshift_http_request_duration_seconds_bucket', { le, ...labels }));
    for (const [i, count] of counts.entries()) expect(count, `bucket le=${buckets[i]}`).toBeDefined();
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
    expect(counts.at(-1)).toBe(sample(text, 'nightshift_http_request_duration_seconds_count', labels));
    expect(sample(text, 'nightshift_http_request_duration_seconds_sum', labels)).toBeGreaterThan(0);
  });

  it('reports the database size and process metrics', async () => {
    const text = await scrape(t.url);
    const size = sample(text, 'nightshift_database_size_bytes', {});
    expect(size).toBeGreaterThan(0);
    expect(size! % 4096).toBe(0);
    for (const name of ['nightshift_process_cpu_user_seconds_total', 'nightshift_process_resident_memory_bytes', 'nightshift_process_start_time_seconds', 'nightshift_nodejs_heap_size_used_bytes', 'nightshift_nodejs_eventloop_lag_seconds']) {
      expect(text, name).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? \\S+$`, 'm'));
    }
    expect(sample(text, 'nightshift_process_resident_memory_bytes', {})).toBeGreaterThan(1024 * 1024);
  });

  it('the database size follows the data', async () => {
    const before = sample(await scrape(t.url), 'nightshift_database_size_bytes', {})!;
    for (let i = 0; i < 40; i++) await createApiKey(t.api, owner.accessToken, { name: `grow ${i} ${'x'.repeat(90)}` });
    const after = sample(await scrape(t.url), 'nightshift_database_size_bytes', {})!;
    expect(after).toBeGreaterThan(before);
  });

  it('needs no credentials and is not rate limited', async () => {
    const response = await call(t.url, 'GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

// promtool comes with Debian's prometheus package, which the test script installs (.ci/system-deps.sh).
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

describe.runIf(promtool)('GET /metrics with promtool', () => {
  it('passes `promtool check metrics`, apart from prom-client\'s own gauge names', async () => {
    await call(t.url, 'GET', '/health/live');
    const text = await scrape(t.url);
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    // Exit 1 is a parse error; 3 is lint findings, which must only be the three prom-client default
    // gauges that end in _total (their names are that library's, kept for existing dashboards).
    expect(checked.status, checked.stdout + checked.stderr).not.toBe(1);
    const findings = `${checked.stdout}${checked.stderr}`.split('\n').filter(Boolean);
    const allowed = /^nightshift_nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;
    expect(findings.filter((line) => !allowed.test(line))).toEqual([]);
    expect([0, 3]).toContain(checked.status);
  });
});
