import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createApiKey, expectError, inviteMember, register, startTestServer, type Account, type TestServer } from '../../testing/harness';

let t: TestServer;
let owner: Account;
beforeAll(async () => {
  t = await startTestServer();
  owner = await register(t.api);
});
afterAll(async () => t.stop());

const create = (token: string, body: Record<string, unknown>) => call(t.api, 'POST', '/integrations', { token, body });

describe('creating integrations', () => {
  it('answers 201 with id, platform, name, a secret shown once and the complete webhook_url', async () => {
    const created = await create(owner.accessToken, { platform: 'prometheus', name: 'Prod Alertmanager' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ platform: 'prometheus', name: 'Prod Alertmanager', enabled: true, has_signing_secret: false, subscription: null });
    expect(created.body.secret).toMatch(/^nsw_[A-Za-z0-9_-]{43}$/);
    expect(created.body.webhook_url).toBe(`${t.url}/api/v1/webhooks/prometheus/${created.body.secret}`);
    expect(created.body.webhook_endpoint).toBe(`${t.url}/api/v1/webhooks/prometheus`);
    expect(created.body.secret.startsWith(created.body.secret_prefix)).toBe(true);

    for (const path of [`/integrations/${created.body.id}`, '/integrations']) {
      const response = await call(t.api, 'GET', path, { token: owner.accessToken });
      expect(response.status).toBe(200);
      expect(response.text).not.toContain(created.body.secret.slice(12));
      expect(response.text).not.toContain('webhook_url');
    }
  });

  it('stores only a hash of the secret, and seals signing secrets and credentials', async () => {
    const created = await call(t.api, 'POST', '/integrations/datadog', {
      token: owner.accessToken, body: { name: 'DD', signing_secret: 'grafana-hmac-secret-1', settings: { site: 'datadoghq.eu', api_key: 'dd-api-key-123456', application_key: 'dd-app-key-abcdef' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ platform: 'datadog', settings: { site: 'datadoghq.eu' }, credentials_set: ['api_key', 'application_key'], has_signing_secret: true });
    expect(created.text).not.toContain('dd-api-key-123456');
    const db = new Database(join(t.dataDir, 'nightshift.db'), { readonly: true });
    try {
      const dump = JSON.stringify(db.prepare('SELECT * FROM integrations').all());
      expect(dump).not.toContain(created.body.secret);
      expect(dump).not.toContain('dd-api-key-123456');
      expect(dump).not.toContain('dd-app-key-abcdef');
      expect(dump).not.toContain('grafana-hmac-secret-1');
      const audit = JSON.stringify(db.prepare("SELECT meta FROM audit_log WHERE action LIKE '%INTEGRATION%'").all());
      expect(audit).not.toContain(created.body.secret);
      expect(audit).not.toContain('dd-api-key');
    } finally {
      db.close();
    }
  });

  it('validates platform settings on the sub-routes and on /integrations', async () => {
    const wrongSite = await call(t.api, 'POST', '/integrations/datadog', { token: owner.accessToken, body: { name: 'x', settings: { site: 'example.com' } } });
    expectError(wrongSite, 422, 'VALIDATION_FAILED');
    const unknown = await create(owner.accessToken, { platform: 'signoz', name: 'x', settings: { url: 'https://signoz.example.com', colour: 'red' } });
    expect(expectError(unknown, 422, 'VALIDATION_FAILED').fields).toEqual([expect.objectContaining({ path: 'settings.colour', code: 'unrecognized_key' })]);
    const badUrl = await create(owner.accessToken, { platform: 'elasticsearch', name: 'x', settings: { url: 'file:///etc/passwd' } });
    expectError(badUrl, 422, 'VALIDATION_FAILED');
    expectError(await create(owner.accessToken, { platform: 'splunk', name: 'x' }), 422, 'VALIDATION_FAILED');
    const ok = await create(owner.accessToken, { platform: 'newrelic', name: 'NR', settings: { account_id: '123', region: 'eu', api_key: 'NRAK-1' } });
    expect(ok.status).toBe(201);
    const listed = await call(t.api, 'GET', '/integrations/newrelic', { token: owner.accessToken });
    expect(listed.body.data.map((i: any) => i.id)).toEqual([ok.body.id]);
    const filtered = await call(t.api, 'GET', '/integrations?platform=newrelic', { token: owner.accessToken });
    expect(filtered.body.meta.total).toBe(1);
  });

  it('elasticsearch watchers post the generic form', async () => {
    const created = await call(t.api, 'POST', '/integrations/elasticsearch', { token: owner.accessToken, body: { name: 'ES', settings: { url: 'https://es.example.com:9200', index_pattern: 'logs-*' } } });
    expect(created.status).toBe(201);
    expect(created.body.webhook_url).toContain('/api/v1/webhooks/generic/');
  });

  it('checks that the routed service exists in the organization', async () => {
    expectError(await create(owner.accessToken, { platform: 'generic', name: 'x', service_id: '0190a0a0-0000-7000-8000-000000000000' }), 422, 'VALIDATION_FAILED');
    const service = await call(t.api, 'POST', '/services', { token: owner.accessToken, body: { name: 'Checkout' } });
    const created = await create(owner.accessToken, { platform: 'generic', name: 'x', service_id: service.body.id, default_severity: 'high', group_by: ['host'] });
    expect(created.body).toMatchObject({ service_id: service.body.id, default_severity: 'high', group_by: ['host'] });
  });
});

describe('changing integrations', () => {
  it('patches routing, settings (merged, null removes) and the signing secret', async () => {
    const created = await create(owner.accessToken, { platform: 'signoz', name: 'SigNoz', settings: { url: 'https://signoz.example.com', api_key: 'k1' } });
    const id = created.body.id;
    const patched = await call(t.api, 'PATCH', `/integrations/${id}`, {
      token: owner.accessToken, body: { name: 'SigNoz prod', enabled: false, default_severity: 'low', group_by: [], settings: { api_key: null }, signing_secret: 'abcdefgh12' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'SigNoz prod', enabled: false, default_severity: 'low', group_by: [], settings: { url: 'https://signoz.example.com' }, credentials_set: [], has_signing_secret: true });
    const cleared = await call(t.api, 'PATCH', `/integrations/${id}`, { token: owner.accessToken, body: { signing_secret: null, group_by: null, settings: { url: 'https://b.example.com' } } });
    expect(cleared.body).toMatchObject({ has_signing_secret: false, group_by: null, settings: { url: 'https://b.example.com' } });
    expectError(await call(t.api, 'PATCH', `/integrations/${id}`, { token: owner.accessToken, body: { settings: { url: 'nope' } } }), 422, 'VALIDATION_FAILED');
    const audit = await call(t.api, 'GET', `/audit-logs?action=UPDATE_INTEGRATION&resource_id=${id}`, { token: owner.accessToken });
    expect(audit.body.data).toHaveLength(2);
    expect(audit.body.data[1].meta.changed_fields).toEqual(expect.arrayContaining(['name', 'enabled', 'default_severity', 'group_by', 'signing_secret_set']));
    expect(audit.body.data[1].meta.write_only_settings_changed).toEqual(['api_key']);
  });

  it('rotates the secret: the new one is shown once, the old one stops working', async () => {
    const created = await create(owner.accessToken, { platform: 'generic', name: 'rotate me' });
    const before = await call(t.api, 'POST', `/webhooks/generic/${created.body.secret}`, { body: { title: 'one' } });
    expect(before.status).toBe(200);
    const rotated = await call(t.api, 'POST', `/integrations/${created.body.id}/rotate-secret`, { token: owner.accessToken });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(rotated.body.webhook_url).toBe(`${t.url}/api/v1/webhooks/generic/${rotated.body.secret}`);
    expectError(await call(t.api, 'POST', `/webhooks/generic/${created.body.secret}`, { body: { title: 'two' } }), 401, 'INVALID_TOKEN');
    expect((await call(t.api, 'POST', `/webhooks/generic/${rotated.body.secret}`, { body: { title: 'two' } })).status).toBe(200);
  });

  it('deletes: 204, then 404, and its secret stops working', async () => {
    const created = await create(owner.accessToken, { platform: 'generic', name: 'delete me' });
    // Used once first, so the receiver knows the secret when the integration goes.
    expect((await call(t.api, 'POST', `/webhooks/generic/${created.body.secret}`, { body: { title: 'before' } })).status).toBe(200);
    expect((await call(t.api, 'DELETE', `/integrations/${created.body.id}`, { token: owner.accessToken })).status).toBe(204);
    expectError(await call(t.api, 'GET', `/integrations/${created.body.id}`, { token: owner.accessToken }), 404, 'NOT_FOUND');
    expectError(await call(t.api, 'POST', `/webhooks/generic/${created.body.secret}`, { body: { title: 'x' } }), 401, 'INVALID_TOKEN');
  });
});

describe('access', () => {
  it('hides another organization\'s integrations (404)', async () => {
    const created = await create(owner.accessToken, { platform: 'generic', name: 'mine' });
    const other = await register(t.api);
    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/rotate-secret'], ['GET', '/dead-letters'], ['POST', '/test']] as const) {
      const response = await call(t.api, method, `/integrations/${created.body.id}${path}`, { token: other.accessToken, ...(method === 'PATCH' ? { body: { name: 'x' } } : {}) });
      expectError(response, 404, 'NOT_FOUND');
    }
    expect((await call(t.api, 'GET', '/integrations', { token: other.accessToken })).body.meta.total).toBe(0);
  });

  it('lets engineers read and test but only admins change', async () => {
    const engineer = await inviteMember(t.api, owner, 'engineer');
    const viewer = await inviteMember(t.api, owner, 'viewer');
    const created = await create(owner.accessToken, { platform: 'generic', name: 'roles' });
    expect((await call(t.api, 'GET', `/integrations/${created.body.id}`, { token: engineer.accessToken })).status).toBe(200);
    expectError(await create(engineer.accessToken, { platform: 'generic', name: 'x' }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(t.api, 'PATCH', `/integrations/${created.body.id}`, { token: engineer.accessToken, body: { name: 'x' } }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(t.api, 'POST', `/integrations/${created.body.id}/rotate-secret`, { token: engineer.accessToken }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(t.api, 'GET', `/integrations/${created.body.id}/dead-letters`, { token: engineer.accessToken }), 403, 'INSUFFICIENT_ROLE');
    expect((await call(t.api, 'POST', `/integrations/${created.body.id}/test`, { token: engineer.accessToken, body: {} })).status).toBe(200);
    expectError(await call(t.api, 'POST', `/integrations/${created.body.id}/test`, { token: viewer.accessToken, body: {} }), 403, 'INSUFFICIENT_ROLE');
  });

  it('checks API key scopes', async () => {
    const readOnly = await createApiKey(t.api, owner.accessToken, { name: 'ro', scopes: ['integrations:read'] });
    const key = { headers: { 'x-api-key': readOnly.token } };
    expect((await call(t.api, 'GET', '/integrations', key)).status).toBe(200);
    expectError(await call(t.api, 'POST', '/integrations', { ...key, body: { platform: 'generic', name: 'x' } }), 403, 'PAT_SCOPE_INSUFFICIENT');
    expectError(await call(t.api, 'GET', '/alerts', key), 403, 'PAT_SCOPE_INSUFFICIENT');
  });
});
