import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from './start';
import { buildPrivateCli, type PrivateCli } from './testing/cli-process';
import { call, register, type Account } from './testing/harness';

/** Crash safety and shutdown of the real CLI in child processes. */
let cli: PrivateCli;
beforeAll(() => {
  cli = buildPrivateCli('crash-test');
}, 120_000);

const dataDirs: string[] = [];
afterAll(() => {
  cli?.dispose();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-crash-'));
  dataDirs.push(dir);
  return dir;
}

const startCli = (dataDir: string, extra: string[] = []) => cli.start(dataDir, extra);

async function allPages<T>(api: string, path: string, token: string, size: number): Promise<T[]> {
  const rows: T[] = [];
  const joiner = path.includes('?') ? '&' : '?';
  for (let offset = 0; ; offset += size) {
    const page = await call(api, 'GET', `${path}${joiner}limit=${size}&offset=${offset}`, { token });
    if (page.status !== 200) throw new Error(`${path}: ${page.status} ${page.text}`);
    rows.push(...page.body.data);
    if (offset + size >= page.body.meta.total) return rows;
  }
}

describe('a killed server loses nothing it acknowledged', () => {
  it('SIGKILL mid-stream of writes, restart: every acknowledged mutation and its audit row are there', { timeout: 90_000 }, async () => {
    const dataDir = newDataDir();
    const first = await startCli(dataDir);
    const owner: Account = await register(first.api, 'Crash Owner');

    const acknowledged = new Map<string, string>(); // id → name
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `crash ${w}-${i}`;
        try {
          const response = await call(first.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name } });
          if (response.status === 201) acknowledged.set(response.body.id, name);
          else if (!stop) throw new Error(`unexpected ${response.status} ${response.text}`);
        } catch (error) {
          if (stop) return; // the server died under this request: not acknowledged, nothing to check
          throw error;
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    // Let writes flow for a while (at least ~1 s and 60 acknowledged, whichever is later), then kill.
    const started = Date.now();
    while ((acknowledged.size < 60 || Date.now() - started < 1_000) && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    // Killed first, so four requests are in flight; `stop` is set before any of them can fail.
    first.child.kill('SIGKILL');
    stop = true;
    expect((await first.exited).signal).toBe('SIGKILL');
    await Promise.all(workers);
    expect(acknowledged.size).toBeGreaterThanOrEqual(60);
    // The killed process left its lock and WAL behind, as a real crash does.
    expect(existsSync(join(dataDir, 'nightshift.lock'))).toBe(true);

    const second = await startCli(dataDir);
    const keys = await allPages<{ id: string; name: string }>(second.api, '/api-keys', owner.accessToken, 100);
    const byId = new Map(keys.map((k) => [k.id, k.name]));
    for (const [id, name] of acknowledged) expect(byId.get(id), `acknowledged key ${name}`).toBe(name);
    // Each key and its audit row landed in one transaction: neither exists without the other.
    const audit = await allPages<{ resource_id: string }>(second.api, '/audit?action=CREATE_API_KEY', owner.accessToken, 1000);
    expect(new Set(audit.map((a) => a.resource_id))).toEqual(new Set(byId.keys()));
    expect(audit).toHaveLength(byId.size);

    // The restarted server takes writes as usual.
    expect((await call(second.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'after restart' } })).status).toBe(201);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    const db = new Database(databaseFile(dataDir), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect((db.prepare('SELECT count(*) AS n FROM api_tokens').get() as { n: number }).n).toBe(byId.size + 1);
      expect((db.prepare(`SELECT count(*) AS n FROM idempotency_keys WHERE state = 'in_flight'`).get() as { n: number }).n).toBe(0);
    } finally {
      db.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM lets an in-flight export finish, then exits 0 with the WAL checkpointed and the lock gone', { timeout: 90_000 }, async () => {
    const dataDir = newDataDir();
    const server = await startCli(dataDir);
    const owner = await register(server.api, 'Graceful Owner');
    for (let i = 0; i < 5; i++) expect((await call(server.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: `k${i}` } })).status).toBe(201);

    // Enough audit data (~50 MB of CSV) that the export cannot sit in socket buffers (the kernel's
    // receive buffer may grow to 32 MB here) while the client is not reading.
    const bulk = 25_000;
    const raw = new Database(databaseFile(dataDir));
    try {
      const insert = raw.prepare(`INSERT INTO audit_log (id, org_id, created_at, action, resource_type, meta) VALUES (?, ?, ?, 'BULK', 'thing', ?)`);
      raw.transaction(() => {
        for (let i = 0; i < bulk; i++) insert.run(randomUUID(), owner.orgId, new Date().toISOString(), JSON.stringify({ n: i, pad: 'x'.repeat(2_000) }));
      })();
    } finally {
      raw.close();
    }
    const before = (await call(server.api, 'GET', '/audit?limit=1', { token: owner.accessToken })).body.meta.total as number;

    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpGet(`${server.api}/audit?format=csv`, { headers: { authorization: `Bearer ${owner.accessToken}` }, agent: false }, resolve).on('error', reject);
    });
    expect(response.statusCode).toBe(200);
    response.pause();

    server.child.kill('SIGTERM');
    // Still serving the export: the process waits for it rather than cutting it off.
    const early = await Promise.race([server.exited.then(() => 'exited'), new Promise((r) => setTimeout(() => r('running'), 750))]);
    expect(early).toBe('running');
    // New work is refused while it drains.
    const refused = await fetch(`${server.url}/health/live`).then((r) => r.status, () => 'refused');
    expect([503, 'refused']).toContain(refused);

    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (text += chunk));
    await new Promise((done, fail) => {
      response.once('end', done);
      response.once('error', fail);
      response.resume();
    });
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines[0]!.startsWith('id,created_at,action,')).toBe(true);
    expect(lines.length - 1).toBe(before + 1); // everything, plus the export's own audit row

    expect(await server.exited).toEqual({ code: 0, signal: null });
    const port = new URL(server.url).port;
    expect(server.stdout()).toBe(`Nightshift listening on http://127.0.0.1:${port}\n`);
    expect(existsSync(join(dataDir, 'nightshift.lock'))).toBe(false);
    const wal = join(dataDir, 'nightshift.db-wal');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);

    const db = new Database(databaseFile(dataDir), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare('SELECT count(*) AS n FROM audit_log WHERE org_id = ?').get(owner.orgId) as { n: number }).n).toBe(before + 1);
    } finally {
      db.close();
    }
  });

  it('an idle server stops at once on SIGINT (Ctrl-C) the same way', { timeout: 60_000 }, async () => {
    for (const signal of ['SIGINT'] as const) {
      const dataDir = newDataDir();
      const server = await startCli(dataDir);
      await register(server.api);
      server.child.kill(signal);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.stdout().split('\n')).toEqual([`Nightshift listening on ${server.url}`, '']);
      expect(existsSync(join(dataDir, 'nightshift.lock'))).toBe(false);
      const wal = join(dataDir, 'nightshift.db-wal');
      expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    }
  });

  it('a second CLI on the same data dir exits non-zero with a clear message, the first keeps serving', { timeout: 60_000 }, async () => {
    const dataDir = newDataDir();
    const first = await startCli(dataDir);
    await expect(startCli(dataDir)).rejects.toThrow(/in use by another Nightshift \(pid \d+\)/);
    expect((await call(first.url, 'GET', '/health/ready')).status).toBe(200);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });
});
