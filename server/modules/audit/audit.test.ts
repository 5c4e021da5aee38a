import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../db/database';
import { migrate } from '../../db/migrate';
import { MIGRATIONS } from '../../db/migrations';
import type { RequestContext } from '../../http/principal';
import { databaseFile } from '../../start';
import { call, createApiKey, expectError, inviteMember, register, startTestServer, type Account, type TestServer } from '../../testing/harness';
import { createAuditLog, diffFields } from './audit.service';
import { auditStore, type AuditStore } from './audit.store';
import { csvCell, csvRow, csvValue } from './csv';
import type { AuditEvent as ApiAuditEvent } from './audit.service';

const CSV_COLUMNS = ['id', 'created_at', 'action', 'resource', 'actor_user_id', 'actor_email', 'actor_token_id', 'ip', 'user_agent', 'request_id', 'changed_fields', 'meta'];

// The API's event, with meta loosened so tests can reach into diffs.
type AuditEvent = Omit<ApiAuditEvent, 'meta'> & { meta: Record<string, any> };

/** Names and values a spreadsheet would run, or that break naive CSV. */
const HOSTILE = [
  '=HYPERLINK("http://x")',
  '+1',
  '-2',
  '@SUM(A1)',
  '\tTab',
  '\rCarriage',
  'He said "hi", then left\nand came back',
  "'apostrophe first",
  "''two apostrophes",
  'plain name',
  'comma, inside',
  '',
];

describe('csvCell / csvRow', () => {
  it('quotes per RFC 4180 and neutralizes formula starts with an apostrophe', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(true)).toBe('true');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('l1\nl2')).toBe('"l1\nl2"');
    expect(csvCell('l1\r\nl2')).toBe('"l1\r\nl2"');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell(-2)).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("'quoted")).toBe("''quoted");
    expect(csvCell({ a: 'b,c' })).toBe('"{""a"":""b,c""}"');
    expect(csvCell('mid=dle')).toBe('mid=dle');
    expect(csvRow(['a', null, 'b c'])).toBe('a,,b c\r\n');
  });

  it('round-trips through a CSV parser and csvValue exactly', () => {
    const text = HOSTILE.map((value) => csvRow([value, `x${value}`, value])).join('');
    const rows = parseSync(text, { relax_column_count: false }) as string[][];
    expect(rows).toHaveLength(HOSTILE.length);
    rows.forEach((row, i) => {
      expect(row.map(csvValue)).toEqual([HOSTILE[i], `x${HOSTILE[i]}`, HOSTILE[i]]);
      // What a spreadsheet sees first in each cell is never a formula trigger.
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    });
  });
});

describe('audit log service (over a real database)', () => {
  let dir: string;
  let db: Db;
  let store: AuditStore;
  const context: RequestContext = { principal: null, ip: '192.0.2.1', userAgent: 'unit', requestId: 'req-1' };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nightshift-audit-'));
    db = openDatabase(join(dir, 'audit.db'));
    migrate(db, MIGRATIONS);
    store = auditStore(db);
  });
  afterAll(() => {
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps only changed fields in the diff and redacts sensitive ones everywhere', () => {
    expect(diffFields({ a: 1, b: 'x', c: [1] }, { a: 1, b: 'y', c: [1, 2], d: undefined })).toEqual({
      changed_fields: ['b', 'c'],
      diff: { b: { from: 'x', to: 'y' }, c: { from: [1], to: [1, 2] } },
    });

    const log = createAuditLog(store, { now: () => new Date('2030-01-02T03:04:05.000Z') });
    log.record(context, {
      orgId: 'org-unit',
      action: 'UPDATE_THING',
      resourceType: 'thing',
      resourceId: 't1',
      changes: {
        before: { name: 'old', password_hash: 'SECRET-OLD-HASH', webhook_secret: 'SECRET-W1', apiKey: 'SECRET-K1', enabled: true },
        after: { name: 'new', password_hash: 'SECRET-NEW-HASH', webhook_secret: 'SECRET-W2', apiKey: 'SECRET-K2', enabled: true },
      },
      snapshot: { name: 'snap', token: 'SECRET-T', private_key: 'SECRET-P' },
      details: { note: 'kept', client_secret: 'SECRET-C', credentials: 'SECRET-CR' },
    });
    const [row] = log.list({ orgId: 'org-unit' }, 10, 0).data;
    expect(row).toMatchObject({ action: 'UPDATE_THING', resource: 'thing:t1', ip: '192.0.2.1', user_agent: 'unit', request_id: 'req-1', created_at: '2030-01-02T03:04:05.000Z' });
    expect(row!.meta.changed_fields).toEqual(['name', 'password_hash', 'webhook_secret', 'apiKey']);
    expect(row!.meta.diff).toEqual({
      name: { from: 'old', to: 'new' },
      password_hash: { redacted: true },
      webhook_secret: { redacted: true },
      apiKey: { redacted: true },
    });
    expect(row!.meta.snapshot).toEqual({ name: 'snap', token: '[redacted]', private_key: '[redacted]' });
    expect(row!.meta.note).toBe('kept');
    expect(row!.meta.client_secret).toBe('[redacted]');
    expect(JSON.stringify(row)).not.toMatch(/SECRET-/);
    const raw = db.prepare('SELECT meta FROM audit_log WHERE org_id = ?').get('org-unit') as { meta: string };
    expect(raw.meta).not.toMatch(/SECRET-/);
  });

  it('exports CSV a page of at most 500 rows at a time, streaming before the last page is read', async () => {
    const orgId = 'org-export';
    const insert = db.prepare(`INSERT INTO audit_log (id, org_id, created_at, action, resource_type, resource_id, meta) VALUES (?, ?, ?, 'BULK', 'thing', ?, '{}')`);
    const total = 2_345;
    db.transaction(() => {
      for (let i = 0; i < total; i++) insert.run(randomUUID(), orgId, new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(), String(i));
    })();

    const sizes: number[] = [];
    const returned: number[] = [];
    const counting: AuditStore = {
      ...store,
      pageBefore(filter, beforeSeq, size) {
        sizes.push(size);
        const page = store.pageBefore(filter, beforeSeq, size);
        returned.push(page.length);
        return page;
      },
      list: () => {
        throw new Error('an export must not read with list()');
      },
    };
    const stream = createAuditLog(counting, { now: () => new Date() }).csv({ orgId });
    let text = '';
    let pagesAtFirstData: number | undefined;
    for await (const chunk of stream) {
      text += String(chunk);
      if (pagesAtFirstData === undefined && text.includes('BULK')) pagesAtFirstData = sizes.length;
    }
    const rows = parseSync(text) as string[][];
    expect(rows[0]).toEqual(CSV_COLUMNS);
    expect(rows).toHaveLength(total + 1);
    // Newest first, every row once.
    expect(rows.slice(1).map((r) => Number(r[3]!.split(':')[1]))).toEqual(Array.from({ length: total }, (_, i) => total - 1 - i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
    expect(Math.max(...returned)).toBeLessThanOrEqual(500);
    expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(total / 500));
    expect(sizes.length).toBeLessThanOrEqual(Math.ceil(total / 500) + 1);
    // The first rows went out while most pages were still unread.
    expect(pagesAtFirstData).toBeLessThanOrEqual(2);
  });

  it('an export stops at maxRows', async () => {
    let text = '';
    for await (const chunk of createAuditLog(store, { now: () => new Date() }).csv({ orgId: 'org-export' }, 700)) text += String(chunk);
    expect(parseSync(text)).toHaveLength(701);
  });
});

describe('audit over HTTP', () => {
  let t: TestServer;
  let owner: Account;
  let admin: Account;
  let engineer: Account;
  let viewer: Account;
  let other: Account;

  beforeAll(async () => {
    t = await startTestServer();
    owner = await register(t.api, 'Owner');
    admin = await inviteMember(t.api, owner, 'admin', 'Ada Admin');
    engineer = await inviteMember(t.api, owner, 'engineer', 'Eve Engineer');
    viewer = await inviteMember(t.api, owner, 'viewer', 'Vic Viewer');
    other = await register(t.api, 'Other Org Owner');
  });
  afterAll(async () => t.stop());

  async function allEvents(token: string, query = ''): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await call(t.api, 'GET', `/audit?limit=1000&offset=${offset}${query}`, { token });
      expect(page.status).toBe(200);
      events.push(...page.body.data);
      if (offset + 1000 >= page.body.meta.total) return events;
    }
  }

  it('every mutation writes one audit row with actor, ip, user agent, request id and resource', async () => {
    const ua = 'audit-test/1.0 (+https://example.invalid)';
    const made: { requestId: string; action: string; actor: string; token?: string }[] = [];
    const secrets: string[] = [];
    let n = 0;
    async function mutate(method: string, path: string, expected: { action: string; actor: string; status?: number; token?: string }, options: Parameters<typeof call>[3] = {}) {
      const requestId = `audit-${++n}-${randomUUID()}`;
      const response = await call(t.api, method, path, { ...options, headers: { ...(options.headers ?? {}), 'x-request-id': requestId, 'user-agent': ua } });
      expect(response.status, `${method} ${path}: ${response.text}`).toBe(expected.status ?? (method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200));
      made.push({ requestId, action: expected.action, actor: expected.actor, ...(expected.token ? { token: expected.token } : {}) });
      return response;
    }

    const session = await call(t.api, 'POST', '/auth/login', { body: { email: owner.email, password: owner.password } });
    const key = await mutate('POST', '/api-keys', { action: 'CREATE_API_KEY', actor: owner.userId }, { token: owner.accessToken, body: { name: 'audited key' } });
    secrets.push(key.body.token);
    const pat = await mutate('POST', '/me/tokens', { action: 'CREATE_API_KEY', actor: owner.userId }, { token: owner.accessToken, body: { name: 'audited pat', scopes: ['*'] } });
    secrets.push(pat.body.token);
    const viaKey = await mutate('POST', '/api-keys', { action: 'CREATE_API_KEY', actor: owner.userId, token: key.body.id }, { headers: { 'x-api-key': key.body.token }, body: { name: 'made by a key' } });
    secrets.push(viaKey.body.token);
    await mutate('DELETE', `/api-keys/${viaKey.body.id}`, { action: 'REVOKE_API_KEY', actor: owner.userId, token: pat.body.id }, { token: pat.body.token });
    await mutate('PATCH', '/organizations', { action: 'UPDATE_ORGANIZATION', actor: admin.userId }, { token: admin.accessToken, body: { name: 'Renamed Org' } });
    await mutate('PATCH', '/organization-settings', { action: 'UPDATE_ORGANIZATION_SETTINGS', actor: owner.userId }, { token: owner.accessToken, body: { audit_retention_days: 400 } });
    const invite = await mutate('POST', '/me/invites', { action: 'CREATE_INVITE', actor: admin.userId }, { token: admin.accessToken, body: { email: `audit-invite-${randomUUID()}@example.com`, role: 'viewer' } });
    await mutate('DELETE', `/me/invites/${invite.body.id}`, { action: 'REVOKE_INVITE', actor: admin.userId }, { token: admin.accessToken });
    await mutate('PATCH', `/users/${engineer.userId}`, { action: 'UPDATE_USER', actor: owner.userId }, { token: owner.accessToken, body: { name: 'Eve Renamed' } });
    await mutate('PUT', '/auth/me', { action: 'UPDATE_USER', actor: viewer.userId }, { token: viewer.accessToken, body: { name: 'Vic Renamed' } });
    await mutate('PATCH', `/me/members/${engineer.userId}`, { action: 'UPDATE_USER', actor: owner.userId }, { token: owner.accessToken, body: { role: 'viewer' } });
    const newPassword = `new pass ${randomUUID()}`;
    secrets.push(newPassword, engineer.password);
    await mutate('POST', '/auth/password/change', { action: 'CHANGE_PASSWORD', actor: engineer.userId, status: 200 }, { token: engineer.accessToken, body: { current_password: engineer.password, new_password: newPassword } });
    await mutate('POST', '/auth/login', { action: 'LOGIN', actor: engineer.userId, status: 200 }, { body: { email: engineer.email, password: newPassword } });
    const refreshed = await mutate('POST', '/auth/refresh', { action: 'REFRESH_SESSION', actor: owner.userId, status: 200 }, { body: { refresh_token: session.body.refresh_token } });
    secrets.push(session.body.refresh_token, refreshed.body.refresh_token, refreshed.body.access_token);
    await mutate('POST', '/auth/logout', { action: 'LOGOUT', actor: owner.userId, status: 200 }, { token: refreshed.body.access_token, body: {} });
    await mutate('POST', '/auth/password/reset', { action: 'REQUEST_PASSWORD_RESET', actor: '', status: 202 }, { body: { email: viewer.email } });
    const doomed = await inviteMember(t.api, owner, 'engineer', 'Doomed');
    await mutate('DELETE', `/users/${doomed.userId}`, { action: 'DELETE_USER', actor: owner.userId }, { token: owner.accessToken });
    secrets.push(owner.password, admin.password, viewer.password);

    const events = await allEvents(owner.accessToken);
    for (const expected of made) {
      const rows = events.filter((e) => e.request_id === expected.requestId);
      expect(rows, `${expected.action} (${expected.requestId})`).toHaveLength(1);
      const [row] = rows;
      expect(row!.action).toBe(expected.action);
      expect(row!.org_id).toBe(owner.orgId);
      if (expected.actor) expect(row!.actor_user_id).toBe(expected.actor);
      expect(row!.actor_token_id).toBe(expected.token ?? null);
      expect(row!.ip).toBe('127.0.0.1');
      expect(row!.user_agent).toBe(ua);
      expect(row!.meta.ip).toBe('127.0.0.1');
      expect(row!.meta.ua).toBe(ua);
      expect(row!.resource.startsWith(row!.resource_type)).toBe(true);
    }

    const created = events.find((e) => e.request_id === made[0]!.requestId)!;
    expect(created).toMatchObject({ resource: `api_key:${key.body.id}`, resource_type: 'api_key', resource_id: key.body.id, actor_email: owner.email });
    expect(created.meta).toMatchObject({ name: 'audited key', prefix: key.body.prefix, scopes: ['*'] });

    // No secret ever reaches the log: API key secrets, passwords, refresh or access tokens.
    const everything = JSON.stringify(events);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it('an update records the diff of the changed fields only', async () => {
    const before = (await call(t.api, 'GET', '/organizations', { token: owner.accessToken })).body;
    const requestId = randomUUID();
    const patch = await call(t.api, 'PATCH', '/organizations', { token: owner.accessToken, body: { name: 'Diffed Org', slug: before.slug }, headers: { 'x-request-id': requestId } });
    expect(patch.status).toBe(200);
    const [row] = (await allEvents(owner.accessToken, `&action=UPDATE_ORGANIZATION&resource_id=${owner.orgId}`)).filter((r) => r.request_id === requestId);
    expect(row!.meta.changed_fields).toEqual(['name']);
    expect(row!.meta.diff).toEqual({ name: { from: before.name, to: 'Diffed Org' } });

    const settingsId = randomUUID();
    await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { invites_enabled: false, rate_limits: { search: 50 } }, headers: { 'x-request-id': settingsId } });
    await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { invites_enabled: true } });
    const settings = (await allEvents(owner.accessToken, '&action=UPDATE_ORGANIZATION_SETTINGS')).find((r) => r.request_id === settingsId)!;
    expect(settings.meta.changed_fields.sort()).toEqual(['invites_enabled', 'rate_limits']);
    expect(settings.meta.diff.invites_enabled).toEqual({ from: true, to: false });
    expect(settings.meta.diff.rate_limits.to).toMatchObject({ search: 50 });
  });

  it('a delete keeps a snapshot of what was deleted', async () => {
    const key = await createApiKey(t.api, owner.accessToken, { name: 'snapshot me', scopes: ['incidents:read'] });
    expect((await call(t.api, 'DELETE', `/api-keys/${key.id}`, { token: owner.accessToken })).status).toBe(204);
    const [revoked] = await allEvents(owner.accessToken, `&action=REVOKE_API_KEY&resource_id=${key.id}`);
    expect(revoked!.meta.snapshot).toEqual({ name: 'snapshot me', prefix: key.token.slice(0, 12), user_id: owner.userId, scopes: ['incidents:read'] });

    const leaving = await inviteMember(t.api, owner, 'viewer', 'Leaving Soon');
    expect((await call(t.api, 'DELETE', `/users/${leaving.userId}`, { token: owner.accessToken })).status).toBe(204);
    const [deleted] = await allEvents(owner.accessToken, `&action=DELETE_USER&resource_id=${leaving.userId}`);
    expect(deleted!.meta.snapshot).toMatchObject({ email: leaving.email, name: 'Leaving Soon', role: 'viewer' });
    expect(JSON.stringify(deleted)).not.toContain(leaving.password);
  });

  it('/audit, /audit-logs and /admin/audit answer the same rows, newest first', async () => {
    const [a, b, c] = await Promise.all(['/audit', '/audit-logs', '/admin/audit'].map((path) => call(t.api, 'GET', `${path}?limit=50`, { token: owner.accessToken })));
    expect(a!.status).toBe(200);
    expect(b!.body).toEqual(a!.body);
    expect(c!.body).toEqual(a!.body);
    const times = a!.body.data.map((e: AuditEvent) => e.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(a!.body.meta).toMatchObject({ limit: 50, offset: 0 });
    expect(a!.body.meta.total).toBeGreaterThan(20);
    const defaults = await call(t.api, 'GET', '/audit', { token: owner.accessToken });
    expect(defaults.body.meta.limit).toBe(25);
    expect(defaults.body.data).toHaveLength(25);
  });

  it('filters by action, actor, pat_id, from, to and limit (002\'s names and the aliases)', async () => {
    const key = await createApiKey(t.api, owner.accessToken, { name: 'filter key' });
    for (let i = 0; i < 3; i++) await call(t.api, 'POST', '/api-keys', { headers: { 'x-api-key': key.token }, body: { name: `by key ${i}` } });
    const all = await allEvents(owner.accessToken);

    const byAction = await allEvents(owner.accessToken, '&action=CREATE_API_KEY');
    expect(byAction.length).toBeGreaterThan(3);
    expect(byAction.map((e) => e.id)).toEqual(all.filter((e) => e.action === 'CREATE_API_KEY').map((e) => e.id));
    expect((await allEvents(owner.accessToken, '&event_type=CREATE_API_KEY')).map((e) => e.id)).toEqual(byAction.map((e) => e.id));

    const byActor = await allEvents(owner.accessToken, `&actor=${admin.userId}`);
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.map((e) => e.id)).toEqual(all.filter((e) => e.actor_user_id === admin.userId).map((e) => e.id));
    expect((await allEvents(owner.accessToken, `&actor_user_id=${admin.userId}`)).map((e) => e.id)).toEqual(byActor.map((e) => e.id));

    const byPat = await allEvents(owner.accessToken, `&pat_id=${key.id}`);
    expect(byPat).toHaveLength(3);
    expect(byPat.every((e) => e.actor_token_id === key.id && e.action === 'CREATE_API_KEY')).toBe(true);
    expect((await allEvents(owner.accessToken, `&token_id=${key.id}`)).map((e) => e.id)).toEqual(byPat.map((e) => e.id));

    const times = [...new Set(all.map((e) => e.created_at))].sort();
    const from = times[Math.floor(times.length / 4)]!;
    const to = times[Math.floor((times.length * 3) / 4)]!;
    const windowed = await allEvents(owner.accessToken, `&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    const expected = all.filter((e) => e.created_at >= from && e.created_at <= to).map((e) => e.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(windowed.map((e) => e.id)).toEqual(expected);
    // A non-UTC offset means the same instant.
    const shifted = new Date(Date.parse(from)).toISOString().replace('Z', '+00:00');
    expect((await allEvents(owner.accessToken, `&from=${encodeURIComponent(shifted)}&to=${encodeURIComponent(to)}`)).map((e) => e.id)).toEqual(expected);

    const limited = await call(t.api, 'GET', '/audit-logs?limit=2&action=CREATE_API_KEY', { token: owner.accessToken });
    expect(limited.body.data.map((e: AuditEvent) => e.id)).toEqual(byAction.slice(0, 2).map((e) => e.id));
    expect(limited.body.meta).toEqual({ total: byAction.length, limit: 2, offset: 0 });
    const combined = await allEvents(owner.accessToken, `&action=CREATE_API_KEY&pat_id=${key.id}&actor=${owner.userId}`);
    expect(combined).toHaveLength(3);

    expectError(await call(t.api, 'GET', '/audit?from=yesterday', { token: owner.accessToken }), 422, 'VALIDATION_FAILED');
    expectError(await call(t.api, 'GET', '/audit?limit=1001', { token: owner.accessToken }), 422, 'VALIDATION_FAILED');
    expectError(await call(t.api, 'GET', '/audit?format=xml', { token: owner.accessToken }), 422, 'VALIDATION_FAILED');
    expectError(await call(t.api, 'GET', '/audit?colour=red', { token: owner.accessToken }), 422, 'VALIDATION_FAILED');
  });

  it('is for admins and owners only, and API keys need audit:read', async () => {
    for (const path of ['/audit', '/audit-logs', '/admin/audit', '/audit?format=csv']) {
      expectError(await call(t.api, 'GET', path, { token: engineer.accessToken }), 403, 'INSUFFICIENT_ROLE');
      expectError(await call(t.api, 'GET', path, { token: viewer.accessToken }), 403, 'INSUFFICIENT_ROLE');
      expectError(await call(t.api, 'GET', path), 401, 'UNAUTHENTICATED');
      expect((await call(t.api, 'GET', path, { token: admin.accessToken })).status).toBe(200);
    }
    const narrow = await createApiKey(t.api, owner.accessToken, { name: 'no audit', scopes: ['users:read', 'tokens:*'] });
    expectError(await call(t.api, 'GET', '/audit-logs', { token: narrow.token }), 403, 'PAT_SCOPE_INSUFFICIENT');
    const auditor = await createApiKey(t.api, owner.accessToken, { name: 'auditor', scopes: ['audit:read'] });
    expect((await call(t.api, 'GET', '/audit-logs', { token: auditor.token })).status).toBe(200);
    // Role AND scope: a viewer's key with audit:read is still a viewer.
    const viewerKey = await createApiKey(t.api, viewer.accessToken, { name: 'viewer auditor', scopes: ['audit:read'] });
    expectError(await call(t.api, 'GET', '/audit-logs', { token: viewerKey.token }), 403, 'INSUFFICIENT_ROLE');
  });

  it('keeps organizations apart: org B never sees org A\'s rows', async () => {
    const ownerKey = await createApiKey(t.api, owner.accessToken, { name: 'tenant A key' });
    const theirs = await allEvents(other.accessToken);
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((e) => e.org_id === other.orgId)).toBe(true);
    const mine = await allEvents(owner.accessToken);
    const myIds = new Set(mine.map((e) => e.id));
    expect(theirs.some((e) => myIds.has(e.id))).toBe(false);
    // Filters naming A's people or objects find nothing from B.
    expect(await allEvents(other.accessToken, `&actor=${owner.userId}`)).toEqual([]);
    expect(await allEvents(other.accessToken, `&resource_id=${ownerKey.id}`)).toEqual([]);
    const csv = await call(t.api, 'GET', `/audit?format=csv&actor=${owner.userId}`, { token: other.accessToken });
    expect(parseSync(csv.text)).toHaveLength(1);
    expect(csv.text).not.toContain(owner.userId);
  });

  it('CSV export is RFC 4180, formula-safe, and parses back to exactly the rows of the JSON list', async () => {
    // Hostile values reach whole cells through the user agent, emails and request ids, and the
    // meta cell through renamed people.
    const userAgents = ['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', "'apostrophe agent", 'comma, and "quotes"'];
    for (const ua of userAgents) {
      const response = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: `ua ${ua}` }, headers: { 'user-agent': ua } });
      expect(response.status).toBe(201);
    }
    const hostileEmails: Account[] = [];
    for (const local of ['=cmd', '+1', '-2', "'quote"]) {
      const email = `${local}${randomUUID().slice(0, 8)}@example.com`;
      const invite = await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email, role: 'engineer' } });
      expect(invite.status, invite.text).toBe(201);
      const outbox = await call(t.api, 'GET', '/admin/outbox?limit=100', { token: owner.accessToken });
      const mail = outbox.body.data.find((m: { recipient: string }) => m.recipient === email);
      const token = /token=([A-Za-z0-9_-]{43})/.exec(mail.body)![1];
      const accepted = await call(t.api, 'POST', '/auth/accept-invite', { body: { token, name: 'Hostile Mail', password: 'hostile password 1' } });
      expect(accepted.status, accepted.text).toBe(201);
      hostileEmails.push({ email, password: '', accessToken: accepted.body.access_token, refreshToken: '', userId: accepted.body.user.id, orgId: owner.orgId });
      // The member acts once, so their address is the actor_email cell of a row.
      expect((await call(t.api, 'POST', '/api-keys', { token: accepted.body.access_token, body: { name: 'mine' } })).status).toBe(201);
    }
    const hostileNames = HOSTILE.filter((name) => name !== '');
    for (const name of hostileNames) {
      const renamed = await call(t.api, 'PATCH', `/users/${hostileEmails[0]!.userId}`, { token: owner.accessToken, body: { name } });
      expect(renamed.status, renamed.text).toBe(200);
    }
    expect((await call(t.api, 'GET', '/auth/me', { token: owner.accessToken, headers: { 'x-request-id': '-2' } })).status).toBe(200);
    expect((await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'dash id' }, headers: { 'x-request-id': '-2' } })).status).toBe(201);

    const response = await call(t.api, 'GET', '/audit-logs?format=csv', { token: owner.accessToken, headers: { 'user-agent': '=EXPORT()' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="nightshift-audit-[0-9-]+\.csv"$/);
    expect(response.text.endsWith('\r\n')).toBe(true);
    // Every record ends with CRLF; a bare LF exists only inside a quoted cell.
    const rows = parseSync(response.text, { record_delimiter: '\r\n' }) as string[][];
    expect(rows[0]).toEqual(CSV_COLUMNS);
    for (const row of rows) {
      expect(row).toHaveLength(CSV_COLUMNS.length);
      for (const cell of row) expect(cell, 'a formula trigger at the start of a cell').not.toMatch(/^[=+\-@\t\r]/);
    }

    const events = await allEvents(owner.accessToken);
    // The export records itself first, so it is the newest row of both.
    expect(events[0]!.action).toBe('EXPORT_AUDIT_LOG');
    expect(events[0]!.user_agent).toBe('=EXPORT()');
    const data = rows.slice(1);
    expect(data).toHaveLength(events.length);
    data.forEach((row, i) => {
      const event = events[i]!;
      const values = row.map(csvValue);
      const record = Object.fromEntries(CSV_COLUMNS.map((column, c) => [column, values[c]]));
      expect(record.id).toBe(event.id);
      expect(record.created_at).toBe(event.created_at);
      expect(record.action).toBe(event.action);
      expect(record.resource).toBe(event.resource);
      expect(record.actor_user_id).toBe(event.actor_user_id ?? '');
      expect(record.actor_email).toBe(event.actor_email ?? '');
      expect(record.actor_token_id).toBe(event.actor_token_id ?? '');
      expect(record.ip).toBe(event.ip ?? '');
      expect(record.user_agent).toBe(event.user_agent ?? '');
      expect(record.request_id).toBe(event.request_id ?? '');
      expect(record.changed_fields).toBe(((event.meta.changed_fields as string[] | undefined) ?? []).join(' '));
      expect(JSON.parse(record.meta!)).toEqual(event.meta);
    });

    // The hostile values came back exactly.
    const byAgent = new Set(data.map((row) => csvValue(row[8]!)));
    for (const ua of userAgents) expect(byAgent.has(ua), ua).toBe(true);
    const emails = new Set(data.map((row) => csvValue(row[5]!)));
    for (const member of hostileEmails) expect(emails.has(member.email), member.email).toBe(true);
    expect(data.some((row) => row[9] === "'-2" && csvValue(row[9]) === '-2')).toBe(true);
    const renames = data
      .filter((row) => row[2] === 'UPDATE_USER' && row[3] === `user:${hostileEmails[0]!.userId}`)
      .map((row) => JSON.parse(row[11]!).diff.name.to as string);
    expect(new Set(renames)).toEqual(new Set(hostileNames));
  });

  it('CSV export honours the filters and records who exported what', async () => {
    const response = await call(t.api, 'GET', `/audit?format=csv&action=CREATE_API_KEY&actor=${admin.userId}`, { token: admin.accessToken });
    expect(response.status).toBe(200);
    const rows = parseSync(response.text) as string[][];
    const expected = await allEvents(owner.accessToken, `&action=CREATE_API_KEY&actor=${admin.userId}`);
    expect(rows.slice(1).map((r) => r[0])).toEqual(expected.map((e) => e.id));
    const [exported] = await allEvents(owner.accessToken, `&action=EXPORT_AUDIT_LOG&actor=${admin.userId}`);
    expect(exported!.meta.filter).toMatchObject({ action: 'CREATE_API_KEY', actor: admin.userId });
    expect(exported!.meta.filter.format).toBeUndefined();
  });

  it('streams a 200,000-row export chunked, a page at a time', { timeout: 180_000 }, async () => {
    const before = (await call(t.api, 'GET', '/audit?limit=1', { token: owner.accessToken })).body.meta.total as number;
    const bulk = 200_000;
    const db = new Database(databaseFile(t.dataDir));
    try {
      const insert = db.prepare(`INSERT INTO audit_log (id, org_id, created_at, actor_user_id, actor_email, ip, user_agent, request_id, action, resource_type, resource_id, meta)
        VALUES (?, ?, ?, ?, ?, '127.0.0.1', 'bulk', ?, 'BULK_TEST', 'thing', ?, ?)`);
      const base = Date.parse('2031-01-01T00:00:00Z');
      db.transaction(() => {
        for (let i = 0; i < bulk; i++) {
          insert.run(randomUUID(), owner.orgId, new Date(base + i).toISOString(), owner.userId, owner.email, `bulk-${i}`, String(i), `{"n":${i},"note":"row, \\"${i}\\""}`);
        }
      })();
      // Another organization's rows in the same file must not leak into the export.
      db.prepare(`INSERT INTO audit_log (id, org_id, created_at, action, resource_type, meta) VALUES (?, ?, ?, 'FOREIGN', 'thing', '{}')`)
        .run(randomUUID(), other.orgId, new Date().toISOString());
    } finally {
      db.close();
    }

    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpGet(`${t.api}/audit?format=csv`, { headers: { authorization: `Bearer ${owner.accessToken}` } }, resolve).on('error', reject);
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');

    let firstChunk: string | undefined;
    response.once('data', (chunk: Buffer) => {
      firstChunk = chunk.toString('utf8');
    });
    const parser = response.pipe(parse({ record_delimiter: '\r\n' }));
    let records = 0;
    let header: string[] | undefined;
    let lastN = Infinity;
    let ordered = true;
    let bulkRows = 0;
    let foreign = 0;
    for await (const record of parser as AsyncIterable<string[]>) {
      if (records++ === 0) {
        header = record;
        continue;
      }
      if (record[2] === 'FOREIGN') foreign++;
      if (record[2] === 'BULK_TEST') {
        bulkRows++;
        const n = JSON.parse(record[11]!).n as number;
        if (n >= lastN) ordered = false;
        lastN = n;
      }
    }
    expect(firstChunk!.startsWith('id,created_at,action,')).toBe(true);
    expect(header).toEqual(CSV_COLUMNS);
    expect(bulkRows).toBe(bulk);
    expect(foreign).toBe(0);
    expect(ordered).toBe(true);
    // Every row of the org: the bulk, what was there before, and the export's own row.
    expect(records - 1).toBe(before + bulk + 1);
  });

  it('a client that hangs up mid-export costs the server nothing lasting', { timeout: 60_000 }, async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpGet(`${t.api}/audit?format=csv`, { headers: { authorization: `Bearer ${owner.accessToken}` }, agent: false }, resolve).on('error', reject);
    });
    expect(response.statusCode).toBe(200);
    await new Promise((resolve) => response.once('data', resolve));
    response.destroy();
    // The server keeps answering, reads and writes alike, and the next export is whole.
    expect((await call(t.url, 'GET', '/health/ready')).status).toBe(200);
    expect((await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'after hang-up' } })).status).toBe(201);
    const filtered = await call(t.api, 'GET', '/audit?format=csv&action=CREATE_API_KEY', { token: owner.accessToken });
    const rows = parseSync(filtered.text) as string[][];
    expect(rows.length - 1).toBe((await call(t.api, 'GET', '/audit?action=CREATE_API_KEY&limit=1', { token: owner.accessToken })).body.meta.total);
  });
});
