import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openDatabase, transactor } from '../../db/database';
import { createAuditLog, auditStore } from '../audit';
import { databaseFile } from '../../start';
import {
  call, createApiKey, expectError, inviteMember, register, startClockedTestServer, type Account, type ManualClock, type TestServer,
} from '../../testing/harness';
import { createProcedureService, proceduresStore } from '.';

let server: TestServer & { clock: ManualClock };
let owner: Account;
let other: Account;

beforeAll(async () => {
  server = await startClockedTestServer();
  owner = await register(server.api, 'Olivia Owner');
  other = await register(server.api, 'Other Org');
});
afterAll(async () => server.stop());

const as = (account: Account, body?: unknown) => ({ token: account.accessToken, ...(body === undefined ? {} : { body }) });
const api = (account: Account, method: string, path: string, body?: unknown) => {
  server.clock.advance(1);
  return call(server.api, method, path, as(account, body));
};

async function service(account: Account, name: string): Promise<string> {
  const response = await api(account, 'POST', '/services', { name });
  expect(response.status).toBe(201);
  return response.body.id;
}

async function create(account: Account, body: Record<string, unknown>) {
  const response = await api(account, 'POST', '/procedures', body);
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.body;
}

const fullRunbook = (extra: Record<string, unknown> = {}) => ({
  title: 'PgBouncer down',
  description: 'When the **pooler** stops answering.',
  tags: ['database', 'postgres'],
  alert_labels: { alertname: 'PgBouncerDown' },
  variables: [{ name: 'host', description: 'Which pooler', default: 'db1', required: true }, { name: 'reason' }],
  steps: [
    { kind: 'manual', title: 'Check the dashboards', instructions: 'Look at *connections*.' },
    {
      id: 'restart', kind: 'command', title: 'Restart it',
      command: { interpreter: 'bash', script: 'systemctl restart pgbouncer', env: { PGHOST: 'db1', PGPASSWORD: { secret: 'pg_password' } } },
    },
    { kind: 'http', title: 'Health check', http: { method: 'GET', url: 'https://db1.internal/health', headers: { Authorization: { secret: 'health-token' } }, expected_status: 200 } },
    { kind: 'wait', title: 'Let alerts clear', wait: { seconds: 300, until: 'alerts_resolved' } },
  ],
  ...extra,
});

describe('procedures: create, read, version', () => {
  it('creates version 1 with every default filled and step ids assigned, and audits it', async () => {
    const created = await create(owner, { ...fullRunbook(), change_note: 'First draft' });
    expect(created).toMatchObject({
      title: 'PgBouncer down', version: 1, latest_version: 1, tags: ['database', 'postgres'], service_ids: [],
      alert_labels: { alertname: 'PgBouncerDown' }, created_by: owner.userId, updated_by: owner.userId,
    });
    expect(created.variables).toEqual([
      { name: 'host', description: 'Which pooler', default: 'db1', required: true },
      { name: 'reason', description: '', default: null, required: false },
    ]);
    expect(created.steps.map((s: any) => s.id)).toEqual(['step-1', 'restart', 'step-3', 'step-4']);
    expect(created.steps[0]).toEqual({ id: 'step-1', kind: 'manual', title: 'Check the dashboards', instructions: 'Look at *connections*.', command: null, http: null, wait: null });
    expect(created.steps[1].command).toEqual({
      interpreter: 'bash', script: 'systemctl restart pgbouncer', working_dir: null, timeout_seconds: 300, expected_exit_code: 0,
      env: { PGHOST: 'db1', PGPASSWORD: { secret: 'pg_password' } },
    });
    expect(created.steps[2].http).toEqual({
      method: 'GET', url: 'https://db1.internal/health', headers: { Authorization: { secret: 'health-token' } }, body: null,
      expected_status: 200, body_contains: null, timeout_seconds: 30,
    });
    expect(created.steps[3]).toMatchObject({ instructions: '', command: null, http: null, wait: { seconds: 300, until: 'alerts_resolved', timeout_seconds: null } });

    const read = await api(owner, 'GET', `/procedures/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);

    const audit = (await api(owner, 'GET', `/audit?resource_type=procedure&resource_id=${created.id}`)).body.data;
    expect(audit.map((e: any) => e.action)).toEqual(['CREATE_PROCEDURE']);
    expect(audit[0].meta).toMatchObject({ title: 'PgBouncer down', steps: ['step-1 (manual)', 'restart (command)', 'step-3 (http)', 'step-4 (wait)'] });
    // Scripts and values are not copied into the audit log.
    expect(JSON.stringify(audit[0])).not.toContain('systemctl');
  });

  it('makes a new version for every change, keeps the old ones readable, and changes nothing for the same content', async () => {
    const created = await create(owner, fullRunbook({ title: 'Versioned' }));
    const v2 = await api(owner, 'PATCH', `/procedures/${created.id}`, { title: 'Versioned, renamed', change_note: 'Better name' });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ title: 'Versioned, renamed', version: 2, latest_version: 2, created_at: created.created_at });
    expect(v2.body.steps).toEqual(created.steps);
    expect(v2.body.updated_at > created.updated_at).toBe(true);

    const steps = [...created.steps.slice(0, 2), { kind: 'manual', title: 'Tell the team' }];
    const v3 = await api(owner, 'PATCH', `/procedures/${created.id}`, { steps, base_version: 2 });
    expect(v3.body).toMatchObject({ version: 3, title: 'Versioned, renamed' });
    expect(v3.body.steps.map((s: any) => s.id)).toEqual(['step-1', 'restart', 'step-3']);

    // The same content again (keys in another order, defaults spelled out or not): no new version, no audit row.
    const same = await api(owner, 'PATCH', `/procedures/${created.id}`, { steps: v3.body.steps.map((s: any) => ({ title: s.title, kind: s.kind, id: s.id, instructions: s.instructions, ...(s.command ? { command: s.command } : {}) })), change_note: 'nothing really' });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(3);
    expect(same.body.updated_at).toBe(v3.body.updated_at);

    const v1 = await api(owner, 'GET', `/procedures/${created.id}?version=1`);
    expect(v1.body).toMatchObject({ title: 'Versioned', version: 1, latest_version: 3 });
    expect(v1.body.steps).toHaveLength(4);
    expectError(await api(owner, 'GET', `/procedures/${created.id}?version=4`), 404, 'NOT_FOUND');

    const versions = await api(owner, 'GET', `/procedures/${created.id}/versions`);
    expect(versions.body.meta).toEqual({ total: 3, limit: 25, offset: 0 });
    expect(versions.body.data.map((v: any) => [v.version, v.title, v.step_count, v.change_note])).toEqual([
      [3, 'Versioned, renamed', 3, null],
      [2, 'Versioned, renamed', 4, 'Better name'],
      [1, 'Versioned', 4, null],
    ]);
    expect(versions.body.data[0]).toMatchObject({ created_by: owner.userId, created_by_name: 'Olivia Owner' });
    const paged = await api(owner, 'GET', `/procedures/${created.id}/versions?limit=1&offset=1`);
    expect(paged.body.data.map((v: any) => v.version)).toEqual([2]);

    const audit = (await api(owner, 'GET', `/audit?resource_type=procedure&resource_id=${created.id}`)).body.data;
    expect(audit.map((e: any) => e.action)).toEqual(['UPDATE_PROCEDURE', 'UPDATE_PROCEDURE', 'CREATE_PROCEDURE']);
    expect(audit[1].meta.diff.title).toEqual({ from: 'Versioned', to: 'Versioned, renamed' });
    expect(audit[1].meta).toMatchObject({ version: 2, change_note: 'Better name' });
  });

  it('refuses an edit made from an older version with 409 PROCEDURE_VERSION_CONFLICT', async () => {
    const created = await create(owner, fullRunbook({ title: 'Contended' }));
    expect((await api(owner, 'PATCH', `/procedures/${created.id}`, { title: 'First edit', base_version: 1 })).body.version).toBe(2);
    const stale = expectError(await api(owner, 'PATCH', `/procedures/${created.id}`, { title: 'Second edit from v1', base_version: 1 }), 409, 'PROCEDURE_VERSION_CONFLICT');
    expect(stale.fields).toEqual([expect.objectContaining({ path: 'base_version', code: 'stale' })]);
    expect((await api(owner, 'GET', `/procedures/${created.id}`)).body.title).toBe('First edit');
    expect((await api(owner, 'PATCH', `/procedures/${created.id}`, { title: 'Second edit from v2', base_version: 2 })).body.version).toBe(3);
  });

  it('deletes as a tombstone: gone from reads, lists and edits, audited', async () => {
    const created = await create(owner, fullRunbook({ title: 'Doomed runbook' }));
    const removed = await api(owner, 'DELETE', `/procedures/${created.id}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    for (const path of [`/procedures/${created.id}`, `/procedures/${created.id}?version=1`, `/procedures/${created.id}/versions`, `/procedures/${created.id}/export`]) {
      expectError(await api(owner, 'GET', path), 404, 'NOT_FOUND');
    }
    expectError(await api(owner, 'PATCH', `/procedures/${created.id}`, { title: 'Back?' }), 404, 'NOT_FOUND');
    expectError(await api(owner, 'DELETE', `/procedures/${created.id}`), 404, 'NOT_FOUND');
    const list = await api(owner, 'GET', '/procedures?search=Doomed');
    expect(list.body.data).toEqual([]);
    const audit = (await api(owner, 'GET', `/audit?resource_type=procedure&resource_id=${created.id}`)).body.data;
    expect(audit[0]).toMatchObject({ action: 'DELETE_PROCEDURE', meta: expect.objectContaining({ snapshot: { title: 'Doomed runbook', latest_version: 1 } }) });
  });
});

describe('procedures: list', () => {
  let account: Account;
  let payments: string;
  beforeAll(async () => {
    account = await register(server.api, 'Lister');
    payments = await service(account, 'Payments');
    await create(account, { title: 'Restart the API', tags: ['api'], description: 'Rolling restart of every node' });
    await create(account, { title: 'Failover Postgres', tags: ['database'], service_ids: [payments] });
    await create(account, { title: 'Rotate TLS certificates', tags: ['api', 'security'], steps: [{ kind: 'manual', title: 'Renew' }] });
  });

  it('lists summaries newest updated first, with step_count and no steps', async () => {
    const response = await api(account, 'GET', '/procedures');
    expect(response.status).toBe(200);
    expect(response.body.data.map((p: any) => p.title)).toEqual(['Rotate TLS certificates', 'Failover Postgres', 'Restart the API']);
    expect(response.body.meta).toEqual({ total: 3, limit: 25, offset: 0 });
    expect(response.body.data[0]).toMatchObject({ step_count: 1, version: 1, latest_version: 1 });
    expect(response.body.data[0].steps).toBeUndefined();
    expect(response.body.data[0].variables).toBeUndefined();

    const edited = (await api(account, 'GET', '/procedures?search=restart')).body.data[0];
    await api(account, 'PATCH', `/procedures/${edited.id}`, { description: 'Rolling restart, one node at a time' });
    expect((await api(account, 'GET', '/procedures')).body.data[0].title).toBe('Restart the API');
  });

  it('filters by words (title, description, tags), tag and service, and pages', async () => {
    const titles = async (query: string) => (await api(account, 'GET', `/procedures?${query}`)).body.data.map((p: any) => p.title).sort();
    expect(await titles('search=postgres')).toEqual(['Failover Postgres']);
    expect(await titles('search=ROLLING%20node')).toEqual(['Restart the API']);
    expect(await titles('search=security')).toEqual(['Rotate TLS certificates']);
    expect(await titles('search=100%25')).toEqual([]);
    expect(await titles('tag=api')).toEqual(['Restart the API', 'Rotate TLS certificates']);
    expect(await titles('tag=ap')).toEqual([]);
    expect(await titles(`service_id=${payments}`)).toEqual(['Failover Postgres']);
    const page = await api(account, 'GET', '/procedures?limit=2&offset=2');
    expect(page.body.data).toHaveLength(1);
    expect(page.body.meta).toEqual({ total: 3, limit: 2, offset: 2 });
    expect((await api(account, 'GET', '/procedures?limit=1')).body.meta.total).toBe(3);
    expectError(await api(account, 'GET', '/procedures?limit=500'), 422, 'VALIDATION_FAILED');
  });
});

describe('procedures: validation', () => {
  const invalid = async (body: Record<string, unknown>, path: string, code: string) => {
    const error = expectError(await api(owner, 'POST', '/procedures', body), 422, 'VALIDATION_FAILED');
    expect(error.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path, code })]));
    return error;
  };
  const step = (s: Record<string, unknown>) => ({ title: 'A runbook', steps: [s] });

  it('needs the object of the step\'s kind, and only it', async () => {
    await invalid(step({ kind: 'command', title: 'Run' }), 'steps.0.command', 'required');
    await invalid(step({ kind: 'http', title: 'Call', http: null }), 'steps.0.http', 'required');
    await invalid(step({ kind: 'wait', title: 'Wait' }), 'steps.0.wait', 'required');
    await invalid(step({ kind: 'manual', title: 'Look', command: { interpreter: 'sh', script: 'ls' } }), 'steps.0.command', 'not_allowed');
    await invalid(step({ kind: 'wait', title: 'Wait', wait: {} }), 'steps.0.wait', 'required');
    await invalid(step({ kind: 'teleport', title: 'Beam' }), 'steps.0.kind', 'invalid_enum');
    await invalid(step({ kind: 'manual' }), 'steps.0.title', 'required');
    await invalid(step({ kind: 'manual', title: 'x', surprise: 1 }), 'steps.0.surprise', 'unrecognized_key');
  });

  it('checks ids, names, secrets references, timeouts and URLs', async () => {
    const dup = await invalid({ title: 'Dup', steps: [{ id: 'a', kind: 'manual', title: '1' }, { id: 'a', kind: 'manual', title: '2' }] }, 'steps.1.id', 'duplicate');
    expect(dup.detail).toContain('"a"');
    await invalid(step({ id: 'Bad Id', kind: 'manual', title: 'x' }), 'steps.0.id', 'invalid_pattern');
    const cmd = (command: Record<string, unknown>) => step({ kind: 'command', title: 'Run', command: { interpreter: 'bash', script: 'true', ...command } });
    await invalid(cmd({ env: { NIGHTSHIFT_INCIDENT_ID: 'forged' } }), 'steps.0.command.env.NIGHTSHIFT_INCIDENT_ID', 'reserved_name');
    await invalid(cmd({ env: { 'lower-case': 'x' } }), 'steps.0.command.env.lower-case', 'unrecognized_key');
    await invalid(cmd({ env: { TOKEN: { secret: 'no spaces allowed' } } }), 'steps.0.command.env.TOKEN.secret', 'invalid_pattern');
    await invalid(cmd({ env: { TOKEN: { secret: 'ok', value: 'plaintext' } } }), 'steps.0.command.env.TOKEN.value', 'unrecognized_key');
    await invalid(cmd({ interpreter: 'powershell' }), 'steps.0.command.interpreter', 'invalid_enum');
    await invalid(cmd({ script: '' }), 'steps.0.command.script', 'invalid_minLength');
    await invalid(cmd({ timeout_seconds: 0 }), 'steps.0.command.timeout_seconds', 'invalid_minimum');
    await invalid(step({ kind: 'http', title: 'Call', http: { url: 'ftp://example.com/' } }), 'steps.0.http.url', 'invalid_url');
    await invalid(step({ kind: 'http', title: 'Call', http: { url: 'https://x.test/', timeout_seconds: 301 } }), 'steps.0.http.timeout_seconds', 'invalid_maximum');
    await invalid({ title: 'Vars', variables: [{ name: 'host' }, { name: 'host' }] }, 'variables.1.name', 'duplicate');
    await invalid({ title: 'Vars', variables: [{ name: 'Host' }] }, 'variables.0.name', 'invalid_pattern');
    await invalid({ title: '' }, 'title', 'invalid_minLength');
    await invalid({ title: 'Labels', alert_labels: { 'has space': 'x' } }, 'alert_labels.has space', 'unrecognized_key');
  });

  it('numbers steps without ids step-N by position, around the ids already taken', async () => {
    const created = await create(owner, { title: 'Numbering', steps: [
      { kind: 'manual', title: 'one' }, { id: 'step-3', kind: 'manual', title: 'two' }, { kind: 'manual', title: 'three' }, { kind: 'manual', title: 'four' },
    ] });
    expect(created.steps.map((s: any) => s.id)).toEqual(['step-1', 'step-3', 'step-4', 'step-5']);
  });

  it('accepts a URL built from variables, checked when it runs', async () => {
    const created = await create(owner, step({ kind: 'http', title: 'Call', http: { url: '{{base_url}}/health' } }));
    expect(created.steps[0].http).toMatchObject({ method: 'GET', url: '{{base_url}}/health' });
  });

  it('links only the organization\'s own services', async () => {
    const mine = await service(owner, 'Checkout');
    const theirs = await service(other, 'Their service');
    const error = await invalid({ title: 'Linked', service_ids: [mine, theirs] }, 'service_ids.1', 'unknown_service');
    expect(error.detail).toContain(theirs);
    const created = await create(owner, { title: 'Linked', service_ids: [mine] });
    expect(created.service_ids).toEqual([mine]);
    expectError(await api(owner, 'PATCH', `/procedures/${created.id}`, { service_ids: [mine, 'nope'] }), 422, 'VALIDATION_FAILED');
    // A service deleted since it was linked does not block other edits.
    expect((await api(owner, 'DELETE', `/services/${mine}`)).status).toBe(204);
    expect((await api(owner, 'PATCH', `/procedures/${created.id}`, { title: 'Linked, renamed' })).body.version).toBe(2);
  });
});

describe('procedures: access', () => {
  let procedure: { id: string };
  beforeAll(async () => {
    procedure = await create(owner, fullRunbook({ title: 'Owned by one org' }));
  });

  it('is invisible to another organization', async () => {
    for (const path of [`/procedures/${procedure.id}`, `/procedures/${procedure.id}/versions`, `/procedures/${procedure.id}/export`]) {
      expectError(await api(other, 'GET', path), 404, 'NOT_FOUND');
    }
    expectError(await api(other, 'PATCH', `/procedures/${procedure.id}`, { title: 'Hijacked' }), 404, 'NOT_FOUND');
    expectError(await api(other, 'DELETE', `/procedures/${procedure.id}`), 404, 'NOT_FOUND');
    const imported = await call(server.api, 'POST', `/procedures/import?procedure_id=${procedure.id}`, {
      token: other.accessToken, raw: '---\ntitle: Hijacked\n---\n', headers: { 'content-type': 'text/markdown' },
    });
    expectError(imported, 404, 'NOT_FOUND');
    expect((await api(other, 'GET', '/procedures')).body.data.map((p: any) => p.id)).not.toContain(procedure.id);
    expect((await api(owner, 'GET', `/procedures/${procedure.id}`)).body).toMatchObject({ title: 'Owned by one org', version: 1 });
  });

  it('lets a viewer read but not write', async () => {
    const viewer = await inviteMember(server.api, owner, 'viewer');
    expect((await api(viewer, 'GET', `/procedures/${procedure.id}`)).status).toBe(200);
    expect((await api(viewer, 'GET', `/procedures/${procedure.id}/export`)).status).toBe(200);
    expectError(await api(viewer, 'POST', '/procedures', { title: 'Nope' }), 403, 'INSUFFICIENT_ROLE');
    expectError(await api(viewer, 'PATCH', `/procedures/${procedure.id}`, { title: 'Nope' }), 403, 'INSUFFICIENT_ROLE');
    expectError(await api(viewer, 'DELETE', `/procedures/${procedure.id}`), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(server.api, 'POST', '/procedures/import', {
      token: viewer.accessToken, raw: '---\ntitle: Nope\n---\n', headers: { 'content-type': 'text/markdown' },
    }), 403, 'INSUFFICIENT_ROLE');
    const engineer = await inviteMember(server.api, owner, 'engineer');
    expect((await api(engineer, 'PATCH', `/procedures/${procedure.id}`, { tags: ['edited'] })).body.version).toBe(2);
  });

  it('needs procedures scopes on an API key', async () => {
    const key = await createApiKey(server.api, owner.accessToken, { name: 'read runbooks', scopes: ['procedures:read'] });
    const headers = { 'x-api-key': key.token };
    expect((await call(server.api, 'GET', '/procedures', { headers })).status).toBe(200);
    expectError(await call(server.api, 'POST', '/procedures', { headers, body: { title: 'x' } }), 403, 'PAT_SCOPE_INSUFFICIENT');
    const none = await createApiKey(server.api, owner.accessToken, { name: 'incidents only', scopes: ['incidents:read'] });
    expectError(await call(server.api, 'GET', '/procedures', { headers: { 'x-api-key': none.token } }), 403, 'PAT_SCOPE_INSUFFICIENT');
  });
});

describe('procedures: Markdown import and export', () => {
  const importMarkdown = (text: string, query = '', type = 'text/markdown; charset=utf-8', account = owner) => {
    server.clock.advance(1);
    return call(server.api, 'POST', `/procedures/import${query}`, { token: account.accessToken, raw: text, headers: { 'content-type': type } });
  };
  const writable = (p: any) => ({
    title: p.title, description: p.description, tags: p.tags, service_ids: p.service_ids, alert_labels: p.alert_labels, variables: p.variables, steps: p.steps,
  });

  it('exports a version as a file that imports back to the same runbook', async () => {
    const created = await create(owner, fullRunbook({ title: 'Restart PgBouncer (primary)!' }));
    const exported = await api(owner, 'GET', `/procedures/${created.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="restart-pgbouncer-primary.md"');
    expect(exported.text).toMatch(/^---\ntitle: /);
    expect(exported.text).toContain('systemctl restart pgbouncer');
    expect(exported.text).toContain('secret:pg_password');

    const imported = await importMarkdown(exported.text);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ version: 1, created_by: owner.userId });
    expect(imported.body.id).not.toBe(created.id);
    expect(writable(imported.body)).toEqual(writable(created));
    const versions = (await api(owner, 'GET', `/procedures/${imported.body.id}/versions`)).body.data;
    expect(versions[0].change_note).toBe('Imported from Markdown');
    const audit = (await api(owner, 'GET', `/audit?resource_type=procedure&resource_id=${imported.body.id}`)).body.data;
    expect(audit[0]).toMatchObject({ action: 'CREATE_PROCEDURE', meta: expect.objectContaining({ source: 'markdown' }) });

    // Exporting an old version gives that version.
    await api(owner, 'PATCH', `/procedures/${created.id}`, { title: 'Renamed later' });
    const old = await api(owner, 'GET', `/procedures/${created.id}/export?version=1`);
    expect(old.text).toContain('Restart PgBouncer (primary)!');
    expect((await api(owner, 'GET', `/procedures/${created.id}/export`)).headers.get('content-disposition')).toContain('renamed-later.md');
    expectError(await api(owner, 'GET', `/procedures/${created.id}/export?version=9`), 404, 'NOT_FOUND');
  });

  it('imports into an existing runbook as its next version, or changes nothing when the file is the same', async () => {
    const created = await create(owner, fullRunbook({ title: 'Kept in git' }));
    const file = (await api(owner, 'GET', `/procedures/${created.id}/export`)).text;
    const same = await importMarkdown(file, `?procedure_id=${created.id}`);
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);

    const edited = file.replace('title: Kept in git', 'title: Kept in git, edited').replace('systemctl restart pgbouncer', 'systemctl reload pgbouncer');
    const next = await importMarkdown(edited, `?procedure_id=${created.id}&base_version=1`, 'text/plain');
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ id: created.id, version: 2, title: 'Kept in git, edited' });
    expect(next.body.steps[1].command.script).toBe('systemctl reload pgbouncer');
    expectError(await importMarkdown(edited, `?procedure_id=${created.id}&base_version=1`), 409, 'PROCEDURE_VERSION_CONFLICT');
    expectError(await importMarkdown(file, '?procedure_id=no-such-runbook'), 404, 'NOT_FOUND');
    const audit = (await api(owner, 'GET', `/audit?resource_type=procedure&resource_id=${created.id}`)).body.data;
    expect(audit[0]).toMatchObject({ action: 'UPDATE_PROCEDURE', meta: expect.objectContaining({ source: 'markdown', version: 2 }) });
  });

  it('answers 422 INVALID_RUNBOOK_MARKDOWN with the lines at fault, and VALIDATION_FAILED for a readable but invalid runbook', async () => {
    const broken = expectError(await importMarkdown('---\ntitle: [unclosed\n---\n\n## Step\n'), 422, 'INVALID_RUNBOOK_MARKDOWN');
    expect(broken.fields!.length).toBeGreaterThan(0);
    for (const field of broken.fields!) expect(field.path).toMatch(/^line:\d+$/);
    expectError(await importMarkdown(''), 422, 'INVALID_RUNBOOK_MARKDOWN');

    const reserved = '---\ntitle: Sneaky\n---\n\n## Run\n\n```bash {env.NIGHTSHIFT_ACTOR=root}\nid\n```\n';
    expect(expectError(await importMarkdown(reserved), 422, 'INVALID_RUNBOOK_MARKDOWN').fields).toEqual([expect.objectContaining({ path: 'line:7' })]);
    const longTag = expectError(await importMarkdown(`---\ntitle: Tagged\ntags: [${'x'.repeat(51)}]\n---\n`), 422, 'VALIDATION_FAILED');
    expect(longTag.fields).toEqual([expect.objectContaining({ path: 'tags.0', code: 'invalid_maxLength' })]);
    const unknownService = expectError(await importMarkdown('---\ntitle: Linked\nservices: [no-such-service]\n---\n'), 422, 'VALIDATION_FAILED');
    expect(unknownService.fields).toEqual([expect.objectContaining({ code: 'unknown_service' })]);
  });

  it('takes only Markdown or plain text', async () => {
    expectError(await importMarkdown(JSON.stringify({ title: 'JSON' }), '', 'application/json'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const minimal = await importMarkdown('---\ntitle: Just a title\n---\n\n## Look around\n\nAnything odd?\n', '', 'text/x-markdown');
    expect(minimal.status).toBe(201);
    expect(minimal.body.steps).toEqual([{ id: 'step-1', kind: 'manual', title: 'Look around', instructions: 'Anything odd?', command: null, http: null, wait: null }]);
  });
});

describe('procedures: suggestions for an incident', () => {
  let account: Account;
  let payments: string;
  let ledger: string;
  let incidentId: string;

  beforeAll(async () => {
    account = await register(server.api, 'Suggester');
    payments = await service(account, 'Payments');
    ledger = await service(account, 'Ledger');
    const integration = (await api(account, 'POST', '/integrations', { platform: 'prometheus', name: 'am' })).body;
    const alert = (fingerprint: string, labels: Record<string, string>) => ({
      status: 'firing', labels: { instance: fingerprint, ...labels }, annotations: { summary: `Down on ${fingerprint}` },
      startsAt: '2026-11-20T10:00:00.000Z', endsAt: '0001-01-01T00:00:00Z', fingerprint,
    });
    const delivered = await call(integration.webhook_url, 'POST', '', {
      body: {
        version: '4', groupKey: 'g1', status: 'firing', receiver: 'nightshift', groupLabels: {}, commonLabels: {}, commonAnnotations: {},
        alerts: [alert('fp-1', { alertname: 'PgBouncerDown', env: 'prod', severity: 'critical' }), alert('fp-2', { alertname: 'DiskFull', env: 'prod' })],
      },
    });
    expect(delivered.status).toBe(200);
    incidentId = delivered.body.incidents_opened[0];
    expect((await api(account, 'PATCH', `/incidents/${incidentId}`, { service_ids: [payments, ledger] })).status).toBe(200);
  });

  it('ranks alert label matches by how specific they are, then linked services; says why', async () => {
    const ids: Record<string, string> = {};
    const add = async (title: string, body: Record<string, unknown>) => (ids[title] = (await create(account, { title, ...body })).id);
    await add('Payments generic', { service_ids: [payments] });
    await add('Both services', { service_ids: [payments, ledger] });
    await add('Any alert in prod', { alert_labels: { env: '*' } });
    await add('PgBouncer in prod', { alert_labels: { alertname: 'PgBouncerDown', env: 'prod' }, service_ids: [ledger] });
    await add('PgBouncer anywhere', { alert_labels: { alertname: 'PgBouncerDown' } });
    await add('Staging only', { alert_labels: { alertname: 'PgBouncerDown', env: 'staging' } });
    await add('Unrelated', { tags: ['misc'] });
    await add('Deleted', { service_ids: [payments] });
    await api(account, 'DELETE', `/procedures/${ids.Deleted}`);
    await create(other, { title: 'Other org', alert_labels: { env: '*' } });

    const response = await api(account, 'GET', `/procedures/suggested?incident_id=${incidentId}`);
    expect(response.status).toBe(200);
    expect(response.body.data.map((s: any) => [s.title, s.reasons])).toEqual([
      ['PgBouncer in prod', ['alert: alertname=PgBouncerDown, env=prod', 'service: Ledger']],
      ['PgBouncer anywhere', ['alert: alertname=PgBouncerDown']],
      ['Any alert in prod', ['alert: env=prod']],
      ['Both services', ['service: Payments', 'service: Ledger']],
      ['Payments generic', ['service: Payments']],
    ]);
    expect(response.body.data[0]).toMatchObject({ id: ids['PgBouncer in prod'], step_count: 0, version: 1 });
    expect(response.body.data[0].steps).toBeUndefined();
  });

  it('answers 404 for an incident that is not the caller\'s, and 422 without one', async () => {
    expectError(await api(other, 'GET', `/procedures/suggested?incident_id=${incidentId}`), 404, 'NOT_FOUND');
    expectError(await api(account, 'GET', '/procedures/suggested?incident_id=no-such-incident'), 404, 'NOT_FOUND');
    expectError(await api(account, 'GET', '/procedures/suggested'), 422, 'VALIDATION_FAILED');
  });
});

describe('procedures: live events', () => {
  it('announces created, updated and deleted on the procedures topic, to the organization only, and nothing for a no-op', async () => {
    const listen = async (account: Account) => {
      const ticket = (await call(server.api, 'POST', '/ws/ticket', as(account))).body.ticket;
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/v1/ws?ticket=${ticket}`);
      const messages: any[] = [];
      ws.on('message', (raw) => messages.push(JSON.parse(String(raw))));
      const until = async (predicate: (m: any) => boolean) => {
        for (let i = 0; i < 300 && !messages.some(predicate); i++) await new Promise((r) => setTimeout(r, 10));
        const found = messages.find(predicate);
        if (!found) throw new Error(`no such message in ${JSON.stringify(messages)}`);
        return found;
      };
      await until((m) => m.type === 'ready');
      ws.send(JSON.stringify({ type: 'subscribe', topics: ['procedures'] }));
      await until((m) => m.type === 'subscribed');
      return { ws, until, events: () => messages.filter((m) => m.type === 'event') };
    };
    const mine = await listen(owner);
    const theirs = await listen(other);
    try {
      const created = await create(owner, fullRunbook({ title: 'Announced' }));
      expect((await mine.until((m) => m.event === 'procedure.created')).data).toMatchObject({ id: created.id, title: 'Announced', step_count: 4, version: 1 });
      await api(owner, 'PATCH', `/procedures/${created.id}`, { title: 'Announced' });
      await api(owner, 'PATCH', `/procedures/${created.id}`, { title: 'Announced again' });
      expect((await mine.until((m) => m.event === 'procedure.updated')).data).toMatchObject({ id: created.id, title: 'Announced again', version: 2 });
      await api(owner, 'DELETE', `/procedures/${created.id}`);
      expect((await mine.until((m) => m.event === 'procedure.deleted')).data).toMatchObject({ id: created.id, latest_version: 2 });
      expect(mine.events().map((e) => e.event)).toEqual(['procedure.created', 'procedure.updated', 'procedure.deleted']);
      expect(mine.events().every((e) => e.topic === 'procedures' && e.data.steps === undefined)).toBe(true);
      expect(theirs.events()).toEqual([]);
    } finally {
      mine.ws.close();
      theirs.ws.close();
    }
  });
});

describe('procedures: snapshots for executions', () => {
  it('gives any version\'s steps and variables, and nothing for a deleted procedure or a version that never was', async () => {
    const created = await create(owner, fullRunbook({ title: 'Pinned' }));
    await api(owner, 'PATCH', `/procedures/${created.id}`, { title: 'Pinned v2', steps: [{ kind: 'manual', title: 'Only step' }], variables: [] });
    // A second connection to the server's own database file, as the executions module's caller would read it.
    const db = openDatabase(databaseFile(server.dataDir));
    try {
      const service = createProcedureService({
        store: proceduresStore(db), services: () => [], audit: createAuditLog(auditStore(db), server.clock), transact: transactor(db), clock: server.clock,
      });
      expect(service.snapshot(owner.orgId, created.id)).toEqual({
        procedure_id: created.id, title: 'Pinned v2', version: 2, variables: [],
        steps: [{ id: 'step-1', kind: 'manual', title: 'Only step', instructions: '', command: null, http: null, wait: null }],
      });
      expect(service.snapshot(owner.orgId, created.id, 1)).toEqual({
        procedure_id: created.id, title: 'Pinned', version: 1, variables: created.variables, steps: created.steps,
      });
      expect(service.snapshot(owner.orgId, created.id, 3)).toBeNull();
      expect(service.snapshot(other.orgId, created.id)).toBeNull();
      await api(owner, 'DELETE', `/procedures/${created.id}`);
      expect(service.snapshot(owner.orgId, created.id, 1)).toBeNull();
    } finally {
      db.close();
    }
  });
});
