import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../db/database';
import { migrate } from '../../db/migrate';
import { MIGRATIONS } from '../../db/migrations';
import { newId } from '../../lib/ids';
import { databaseFile } from '../../start';
import { call, inviteMember, register, startTestServer, type Account, type TestServer } from '../../testing/harness';
import { SEARCH_TOTAL_CAP } from './incidents.schemas';
import { incidentsStore } from './incidents.store';

// The list plans each request (a filter's index and sort, or a scan in the sort's order; totals from
// counters kept by triggers). Whatever the plan, the rows and the total must be those of the plain
// definition, computed here in JS from the incidents read back from the file.

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
const OPEN = ['active', 'investigating', 'identified', 'monitoring', 'mitigated'] as const;
const RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };

interface Row {
  id: string;
  title: string;
  description: string;
  severity: string;
  status: string;
  assignee_id: string | null;
  created_at: string;
  updated_at: string;
  services: string[];
}

interface Query {
  status?: string;
  severity?: string;
  search?: string;
  from?: string;
  to?: string;
  service_id?: string;
  assignee?: string;
  sort?: string;
  limit?: number;
  offset?: number;
}

function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The list as defined: every filter, the sort with id breaking ties in the same direction, the page. */
function expected(rows: Row[], q: Query, me: string): { ids: string[]; total: number } {
  const words = (q.search ?? '').split(/\s+/).filter(Boolean).map((w) => w.toLowerCase());
  const assignee = q.assignee === 'me' ? me : q.assignee;
  const matching = rows.filter((r) =>
    (!q.status || r.status === q.status)
    && (!q.severity || r.severity === q.severity)
    && (!q.from || r.created_at >= q.from)
    && (!q.to || r.created_at <= q.to)
    && (!q.service_id || r.services.includes(q.service_id))
    && (assignee === undefined || (assignee === 'unassigned' ? r.assignee_id === null : r.assignee_id === assignee))
    && words.every((w) => r.title.toLowerCase().includes(w) || r.description.toLowerCase().includes(w)));
  const sort = q.sort ?? '-created_at';
  const dir = sort.startsWith('-') ? -1 : 1;
  const field = sort.replace('-', '');
  const key = (r: Row): [number | string, string, string] =>
    field === 'severity' ? [RANK[r.severity]!, r.created_at, r.id] : [field === 'updated_at' ? r.updated_at : r.created_at, '', r.id];
  matching.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return (ka[i]! < kb[i]! ? -1 : 1) * dir;
    return 0;
  });
  const offset = q.offset ?? 0;
  return { ids: matching.slice(offset, offset + (q.limit ?? 25)).map((r) => r.id), total: matching.length };
}

/** meta.total for a search: exact up to the cap; above it the cap, or on later pages as far as the pages go (+1 while more follow). */
function expectedTotal(exact: number, q: Query, returned: number): number {
  if (!q.search || exact <= SEARCH_TOTAL_CAP) return exact;
  const offset = q.offset ?? 0;
  if (returned === 0) return offset >= exact ? SEARCH_TOTAL_CAP : -1;
  const more = offset + returned < exact;
  if (!more) return offset + returned;
  return Math.max(SEARCH_TOTAL_CAP, offset + returned + 1);
}

describe('GET /incidents over thousands of incidents: every plan gives the defined rows and total', () => {
  let server: TestServer;
  let owner: Account;
  let other: Account;
  let engineer: Account;
  let services: string[];
  const COUNT = 3_000;

  const readBack = (orgId = owner.orgId): Row[] => {
    const db = new Database(databaseFile(server.dataDir), { readonly: true });
    try {
      const rows = db.prepare(`SELECT i.id, i.title, i.description, i.severity, i.status, i.assignee_id, i.created_at, i.updated_at,
          (SELECT json_group_array(l.service_id) FROM incident_services l WHERE l.incident_id = i.id AND l.deleted_at IS NULL) AS services
        FROM incidents i WHERE i.org_id = ? AND i.deleted_at IS NULL`).all(orgId) as Array<Omit<Row, 'services'> & { services: string }>;
      return rows.map((r) => ({ ...r, services: JSON.parse(r.services) as string[] }));
    } finally {
      db.close();
    }
  };

  const check = async (rows: Row[], q: Query) => {
    const params = new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)]));
    const response = await call(server.api, 'GET', `/incidents?${params.toString()}`, { token: owner.accessToken });
    expect(response.status, response.text).toBe(200);
    const want = expected(rows, q, owner.userId);
    const label = JSON.stringify(q);
    expect(response.body.data.map((i: { id: string }) => i.id), label).toEqual(want.ids);
    const total = expectedTotal(want.total, q, response.body.data.length);
    if (total === -1) expect(response.body.meta.total, label).toBeGreaterThanOrEqual(SEARCH_TOTAL_CAP);
    else expect(response.body.meta.total, label).toBe(total);
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await register(server.api, 'Owner');
    other = await register(server.api, 'Other');
    engineer = await inviteMember(server.api, owner, 'engineer', 'Erin');
    services = [];
    for (const name of ['Checkout', 'Payments', 'Search', 'Edge']) {
      services.push((await call(server.api, 'POST', '/services', { token: owner.accessToken, body: { name } })).body.id);
    }
    const otherService = (await call(server.api, 'POST', '/services', { token: other.accessToken, body: { name: 'Elsewhere' } })).body.id;

    // Straight into the file through the store (the same inserts and triggers as the API), a second connection.
    const db = openDatabase(databaseFile(server.dataDir));
    try {
      const store = incidentsStore(db);
      const rnd = prng(42);
      const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
      const start = Date.parse('2025-01-01T00:00:00Z');
      const insert = (orgId: string, n: number, users: Array<string | null>, serviceIds: string[]) => {
        for (let k = 0; k < n; k++) {
          // 14 months, so that date ranges cross whole months and partial ones; some equal times, so ties matter.
          const created = new Date(start + Math.floor(rnd() * 425) * 86_400_000 + Math.floor(rnd() * 6) * 3_600_000).toISOString();
          const open = rnd() < 0.03;
          const words = [pick(['High latency', 'Error rate', 'Connection pool exhausted', 'Disk full', 'Störung im Netz', 'Crash loop'])];
          if (rnd() < 0.35) words.push('latency regression');
          if (rnd() < 0.004) words.push('kerberos');
          const id = newId();
          store.insert({
            id, org_id: orgId, title: `${words[0]} on host-${k % 97}`, description: `${words.slice(1).join('; ')} ref 5x${k}`,
            severity: pick(SEVERITIES), status: open ? pick(OPEN) : 'resolved', visibility: 'public', impact: 'none',
            assignee_id: pick(users), created_by: null, resolved_at: open ? null : created, resolved_by: null, source: 'manual', integration_id: null,
            created_at: created, updated_at: new Date(Date.parse(created) + Math.floor(rnd() * 40) * 86_400_000).toISOString(),
          });
          for (const serviceId of serviceIds) {
            // The first service is on most incidents, the last on few.
            if (rnd() < [0.6, 0.25, 0.05, 0.01][serviceIds.indexOf(serviceId)]!) {
              store.link({ id: newId(), org_id: orgId, incident_id: id, service_id: serviceId, impact: 'none', created_at: created });
            }
          }
        }
      };
      db.transaction(() => {
        insert(owner.orgId, COUNT, [null, null, owner.userId, engineer.userId, engineer.userId], services);
        insert(other.orgId, 300, [null, other.userId], [otherService]);
      })();
    } finally {
      closeDatabase(db);
    }
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const shapes = (): Query[] => [
    {},
    { status: 'resolved' },
    { status: 'active' },
    { status: 'mitigated', severity: 'low' },
    { severity: 'critical' },
    { status: 'resolved', severity: 'high' },
    { service_id: services[0] },
    { service_id: services[3] },
    { service_id: services[1], status: 'resolved' },
    { service_id: services[0], severity: 'critical', assignee: 'unassigned' },
    { assignee: 'me' },
    { assignee: engineer.userId, severity: 'medium' },
    { assignee: 'unassigned' },
    { assignee: 'unassigned', status: 'resolved', from: '2025-03-10T00:00:00.000Z' },
    { from: '2025-02-14T12:00:00.000Z', to: '2025-06-02T00:00:00.000Z' },
    { from: '2025-05-01T00:00:00.000Z', to: '2025-05-31T23:59:59.999Z' },
    { from: '2025-11-20T00:00:00.000Z' },
    { to: '2025-03-01T00:00:00.000Z', severity: 'high' },
    { from: '2025-09-01T00:00:00.000Z', to: '2025-01-01T00:00:00.000Z' },
    { search: 'kerberos' },
    { search: 'latency' },
    { search: 'LATENCY regression', status: 'resolved' },
    { search: 'connection pool' },
    { search: 'latency', severity: 'critical', service_id: services[2] },
    { search: 'störung' },
    { search: 'STÖRUNG latency' },
    { search: '5x' },
    { search: '5x1', assignee: 'me' },
    { search: 'nothing-matches-this' },
  ];

  it('gives every filter, sort and page what the definition gives', { timeout: 120_000 }, async () => {
    const rows = readBack();
    expect(rows).toHaveLength(COUNT);
    // Enough of each for the plans to differ: a search word over the cap, a rare one, a busy and a quiet service.
    expect(expected(rows, { search: 'latency' }, owner.userId).total).toBeGreaterThan(SEARCH_TOTAL_CAP);
    expect(expected(rows, { service_id: services[0] }, owner.userId).total).toBeGreaterThan(1_000);
    expect(expected(rows, { search: 'kerberos' }, owner.userId).total).toBeGreaterThan(0);
    for (const shape of shapes()) {
      for (const sort of ['-created_at', 'created_at', '-updated_at', 'updated_at', '-severity', 'severity']) {
        for (const [limit, offset] of [[50, 0], [25, 40], [100, 1_950], [10, 2_995], [50, 5_000]] as const) {
          await check(rows, { ...shape, sort, limit, offset });
        }
      }
    }
  });

  it('keeps the totals exact as incidents change status, severity, assignee and services', { timeout: 60_000 }, async () => {
    const before = readBack();
    const changes: Array<Record<string, unknown>> = [
      { status: 'investigating' }, { severity: 'critical' }, { assignee_id: null }, { assignee_id: engineer.userId },
      { service_ids: [services[3]] }, { service_ids: [] }, { status: 'resolved' },
    ];
    const resolved = before.filter((r) => r.status === 'resolved').slice(0, 12);
    for (const [k, row] of resolved.entries()) {
      const response = await call(server.api, 'PATCH', `/incidents/${row.id}`, { token: owner.accessToken, body: changes[k % changes.length] });
      expect(response.status, response.text).toBe(200);
    }
    const created = await call(server.api, 'POST', '/incidents', {
      token: owner.accessToken, body: { title: 'Fresh latency incident', severity: 'high', service_ids: [services[3]], assignee_id: engineer.userId },
    });
    expect(created.status, created.text).toBe(201);
    const rows = readBack();
    expect(rows).toHaveLength(COUNT + 1);
    for (const shape of shapes()) await check(rows, { ...shape, limit: 50 });
    for (const shape of [{ service_id: services[3] }, { assignee: engineer.userId }, { status: 'investigating' }, { severity: 'critical', sort: 'updated_at' }]) {
      await check(rows, { ...shape, limit: 10, offset: 20 });
    }
    const active = await call(server.api, 'GET', '/incidents/active?limit=5', { token: owner.accessToken });
    expect(active.body.meta.total).toBe(rows.filter((r) => r.status !== 'resolved').length);
  });

  it('never counts or shows another organization\'s incidents', async () => {
    const theirs = readBack(other.orgId);
    expect(theirs).toHaveLength(300);
    const queries: Array<Record<string, string>> = [{}, { search: 'latency' }, { status: 'resolved', sort: 'updated_at' }, { from: '2025-04-15T00:00:00.000Z' }, { assignee: 'unassigned' }];
    for (const q of queries) {
      const params = new URLSearchParams({ ...q, limit: '100' });
      const response = await call(server.api, 'GET', `/incidents?${params.toString()}`, { token: other.accessToken });
      const want = expected(theirs, { ...q, limit: 100 }, other.userId);
      expect(response.body.data.map((i: { id: string }) => i.id)).toEqual(want.ids);
      expect(response.body.meta.total).toBe(want.total);
    }
  });
});

describe('migration 0007 on a database that already has incidents', () => {
  it('fills the counters from the existing rows, and the triggers keep them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nightshift-0007-'));
    const db = openDatabase(join(dir, 'test.db'));
    try {
      migrate(db, MIGRATIONS.filter((m) => m.version < 7));
      const at = '2025-06-01T00:00:00.000Z';
      db.prepare('INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('org', 'Org', 'org', at, at);
      db.prepare(`INSERT INTO users (id, org_id, email, name, role, password_hash, password_changed_at, created_at, updated_at)
        VALUES ('u', 'org', 'u@example.com', 'U', 'owner', 'x', ?, ?, ?)`).run(at, at, at);
      db.prepare(`INSERT INTO services (id, org_id, slug, name, current_status, visibility, created_at, updated_at)
        VALUES ('s', 'org', 's', 'S', 'operational', 'public', ?, ?)`).run(at, at);
      const store = incidentsStore(db);
      for (let k = 0; k < 40; k++) {
        const created = new Date(Date.parse(at) + k * 5 * 86_400_000).toISOString();
        store.insert({
          id: `i${k}`, org_id: 'org', title: `t${k}`, description: '', severity: SEVERITIES[k % 4]!, status: k % 5 === 0 ? 'active' : 'resolved',
          visibility: 'public', impact: 'none', assignee_id: k % 3 === 0 ? 'u' : null, created_by: null, resolved_at: null, resolved_by: null,
          source: 'manual', integration_id: null, created_at: created, updated_at: created,
        });
        if (k % 2 === 0) store.link({ id: `l${k}`, org_id: 'org', incident_id: `i${k}`, service_id: 's', impact: 'none', created_at: created });
      }
      db.prepare("UPDATE incidents SET deleted_at = ? WHERE id = 'i4'").run(at);

      migrate(db, MIGRATIONS);
      const counters = () => ({
        counts: db.prepare('SELECT org_id, month, status, severity, unassigned, n FROM incident_counts WHERE n > 0 ORDER BY 1, 2, 3, 4, 5').all(),
        services: db.prepare('SELECT service_id, org_id, n FROM service_incident_counts WHERE n > 0 ORDER BY 1, 2').all(),
        assignees: db.prepare('SELECT org_id, assignee_id, n FROM assignee_incident_counts WHERE n > 0 ORDER BY 1, 2').all(),
      });
      const recount = () => ({
        counts: db.prepare(`SELECT org_id, substr(created_at, 1, 7) AS month, status, severity, assignee_id IS NULL AS unassigned, count(*) AS n
          FROM incidents WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`).all(),
        services: db.prepare(`SELECT l.service_id, l.org_id, count(*) AS n FROM incident_services l JOIN incidents i ON i.id = l.incident_id
          WHERE l.deleted_at IS NULL AND i.deleted_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2`).all(),
        assignees: db.prepare(`SELECT org_id, assignee_id, count(*) AS n FROM incidents WHERE deleted_at IS NULL AND assignee_id IS NOT NULL
          GROUP BY 1, 2 ORDER BY 1, 2`).all(),
      });
      expect(counters()).toEqual(recount());
      expect(counters().services).toEqual([{ service_id: 's', org_id: 'org', n: 19 }]);

      const later = '2026-01-01T00:00:00.000Z';
      store.update('org', 'i1', { status: 'investigating', severity: 'critical', assignee_id: 'u' }, later);
      store.update('org', 'i3', { assignee_id: null }, later);
      store.unlink('i6', 's', later);
      store.link({ id: 'l1', org_id: 'org', incident_id: 'i1', service_id: 's', impact: 'none', created_at: later });
      db.prepare("UPDATE incidents SET deleted_at = ? WHERE id = 'i8'").run(later);
      db.prepare("UPDATE incidents SET deleted_at = NULL WHERE id = 'i4'").run();
      db.prepare("UPDATE incidents SET created_at = '2024-12-31T23:00:00.000Z' WHERE id = 'i10'").run();
      expect(counters()).toEqual(recount());
    } finally {
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
