import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../lib/data-dir';
import { call, register, startTestServer } from '../testing/harness';
import { databaseFile } from '../start';
import { closeDatabase, openDatabase, type Db } from './database';
import { checksum, migrate, MigrationError, migrationsFromFiles, type Migration } from './migrate';
import { MIGRATIONS } from './migrations';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nightshift-migrate-'));
  db = openDatabase(join(dir, 'test.db'));
});
afterEach(() => {
  closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

const files = {
  './migrations/0001_people.sql': 'CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;',
  './migrations/0002_pets.sql': 'CREATE TABLE pets (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL REFERENCES people(id)) STRICT;\nINSERT INTO people (id, name) VALUES (1, \'seed\');',
  './migrations/0003_people_email.sql': 'ALTER TABLE people ADD COLUMN email TEXT;',
};

const tables = (database: Db) =>
  (database.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

const applied = (database: Db) =>
  database.prepare('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version').all() as { version: number; name: string; checksum: string; applied_at: string }[];

describe('migrationsFromFiles', () => {
  it('orders by number whatever the order of the files', () => {
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    expect(migrationsFromFiles(reversed).map((m) => [m.version, m.name])).toEqual([[1, 'people'], [2, 'pets'], [3, 'people_email']]);
  });

  it('rejects numbering gaps, duplicates and a start other than 1', () => {
    expect(() => migrationsFromFiles({ './0001_a.sql': 'SELECT 1', './0003_c.sql': 'SELECT 1' })).toThrow(MigrationError);
    expect(() => migrationsFromFiles({ './0001_a.sql': 'SELECT 1', './0003_c.sql': 'SELECT 1' })).toThrow(/without gaps/);
    expect(() => migrationsFromFiles({ './0002_b.sql': 'SELECT 1' })).toThrow(MigrationError);
    expect(() => migrationsFromFiles({ './0001_a.sql': 'SELECT 1', './0001_b.sql': 'SELECT 1' })).toThrow(MigrationError);
  });

  it('rejects badly named files', () => {
    for (const name of ['./1_a.sql', './0001-a.sql', './0001_A.sql', './0001_a.txt', './0001_.sql']) {
      expect(() => migrationsFromFiles({ [name]: 'SELECT 1' }), name).toThrow(MigrationError);
    }
  });

  it('the bundled migrations are numbered from 1 without gaps', () => {
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});

describe('migrate', () => {
  it('applies migrations in order, each recorded with its checksum', () => {
    const migrations = migrationsFromFiles(files);
    expect(migrate(db, migrations)).toEqual({ applied: [1, 2, 3] });
    expect(tables(db)).toEqual(['people', 'pets', 'schema_migrations']);
    const rows = applied(db);
    expect(rows.map((r) => [r.version, r.name, r.checksum])).toEqual(migrations.map((m) => [m.version, m.name, checksum(m.sql)]));
    for (const row of rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(Number.isNaN(Date.parse(row.applied_at))).toBe(false);
    }
    // 0003 ran after 0001 and 0002: the column exists and the seed row of 0002 is there.
    expect(db.prepare('SELECT id, name, email FROM people').all()).toEqual([{ id: 1, name: 'seed', email: null }]);
  });

  it('re-running is a no-op', () => {
    const migrations = migrationsFromFiles(files);
    migrate(db, migrations);
    const before = applied(db);
    expect(migrate(db, migrations)).toEqual({ applied: [] });
    expect(applied(db)).toEqual(before);
    expect(db.prepare('SELECT count(*) AS n FROM people').get()).toEqual({ n: 1 });
  });

  it('applies only what is new when a release adds a migration', () => {
    const all = migrationsFromFiles(files);
    migrate(db, all.slice(0, 2));
    expect(migrate(db, all)).toEqual({ applied: [3] });
  });

  it('treats CRLF and LF checkouts of one file as the same migration', () => {
    const lf = migrationsFromFiles(files);
    migrate(db, lf);
    const crlf: Migration[] = lf.map((m) => ({ ...m, sql: m.sql.replace(/\n/g, '\r\n') }));
    expect(migrate(db, crlf)).toEqual({ applied: [] });
  });

  it('refuses a database whose applied migration was changed since', () => {
    const migrations = migrationsFromFiles(files);
    migrate(db, migrations);
    const edited = migrations.map((m) => (m.version === 2 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    expect(() => migrate(db, edited)).toThrow(MigrationError);
    expect(() => migrate(db, edited)).toThrow(/migration 2 \(pets\) was changed/);
  });

  it('refuses a database written by a newer release (an unknown migration)', () => {
    migrate(db, migrationsFromFiles(files));
    const older = migrationsFromFiles(files).slice(0, 2);
    expect(() => migrate(db, older)).toThrow(/migration 3 \(people_email\).*newer release/);
  });

  it('a failing migration leaves neither its changes nor its record', () => {
    const good = migrationsFromFiles(files).slice(0, 1);
    const bad: Migration = { version: 2, name: 'broken', sql: 'CREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);' };
    expect(() => migrate(db, [...good, bad])).toThrow(/no such table/);
    expect(tables(db)).toEqual(['people', 'schema_migrations']);
    expect(applied(db).map((r) => r.version)).toEqual([1]);
    // Fixed in the next build, it applies.
    expect(migrate(db, [...good, { ...bad, sql: 'CREATE TABLE half (id INTEGER);' }])).toEqual({ applied: [2] });
  });

  it('the bundled migrations apply to an empty database and again as a no-op', () => {
    expect(migrate(db, MIGRATIONS).applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(db, MIGRATIONS).applied).toEqual([]);
    expect(tables(db)).toEqual(expect.arrayContaining(['organizations', 'users', 'api_tokens', 'audit_log', 'idempotency_keys', 'schema_migrations']));
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('openDatabase', () => {
  it('turns on WAL, foreign keys and a busy timeout; synchronous follows durability', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    const full = openDatabase(join(dir, 'full.db'), 'full');
    try {
      expect(full.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(full.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      closeDatabase(full);
    }
  });

  it('enforces foreign keys for real', () => {
    migrate(db, migrationsFromFiles(files));
    expect(() => db.prepare('INSERT INTO pets (id, owner) VALUES (1, 999)').run()).toThrow(/FOREIGN KEY/);
  });

  it('closeDatabase checkpoints the WAL into the main file', () => {
    migrate(db, migrationsFromFiles(files));
    db.prepare('INSERT INTO people (id, name) VALUES (2, ?)').run('x'.repeat(10_000));
    expect(existsSync(join(dir, 'test.db-wal'))).toBe(true);
    closeDatabase(db);
    expect(existsSync(join(dir, 'test.db-wal'))).toBe(false);
    const reopened = new Database(join(dir, 'test.db'), { readonly: true });
    try {
      expect(reopened.prepare('SELECT length(name) AS n FROM people WHERE id = 2').get()).toEqual({ n: 10_000 });
    } finally {
      reopened.close();
    }
    db = openDatabase(join(dir, 'test.db'));
  });
});

describe('data dir lock', () => {
  it('refuses a second server on the same data dir while the first runs', async () => {
    const first = await startTestServer();
    try {
      const lockFile = join(first.dataDir, 'nightshift.lock');
      expect(readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
      const second = startTestServer({}, { dataDir: first.dataDir });
      await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(second).rejects.toThrow(/in use by another Nightshift \(pid \d+\)/);
      // The refused start changed nothing: the first server still answers and still holds the lock.
      expect((await call(first.url, 'GET', '/health/ready')).status).toBe(200);
      expect(readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    } finally {
      await first.stop();
    }
  });

  it('releases the lock on close, so the next server starts on the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-lock-'));
    try {
      const first = await startTestServer({}, { dataDir });
      const owner = await register(first.api);
      await first.stop();
      expect(existsSync(join(dataDir, 'nightshift.lock'))).toBe(false);
      const second = await startTestServer({}, { dataDir });
      try {
        expect((await call(second.api, 'GET', '/auth/me', { token: owner.accessToken })).status).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('takes over a stale lock left by a process that is gone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-lock-'));
    try {
      const gone = spawnSync(process.execPath, ['-e', '']);
      expect(gone.status).toBe(0);
      writeFileSync(join(dataDir, 'nightshift.lock'), String(gone.pid));
      const server = await startTestServer({}, { dataDir });
      try {
        expect(readFileSync(join(dataDir, 'nightshift.lock'), 'utf8')).toBe(String(process.pid));
        expect((await call(server.url, 'GET', '/health/live')).status).toBe(200);
      } finally {
        await server.stop();
      }
      // Garbage in the lock file is not a live owner either.
      writeFileSync(join(dataDir, 'nightshift.lock'), 'not a pid');
      const again = await startTestServer({}, { dataDir });
      await again.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a database from a newer release, and leaves no lock behind', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-lock-'));
    try {
      const first = await startTestServer({}, { dataDir });
      await first.stop();
      const raw = new Database(databaseFile(dataDir));
      raw.prepare(`INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, 'from_the_future', 'x', ?)`).run(MIGRATIONS.length + 1, new Date().toISOString());
      raw.close();
      await expect(startTestServer({}, { dataDir })).rejects.toBeInstanceOf(MigrationError);
      expect(existsSync(join(dataDir, 'nightshift.lock'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
