import { createHash } from 'node:crypto';
import type { Db } from './database';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class MigrationError extends Error {}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Turns `{ './migrations/0001_core.sql': sql }` into ordered migrations, refusing gaps and bad names. */
export function migrationsFromFiles(files: Record<string, string>): Migration[] {
  const migrations = Object.entries(files).map(([path, sql]) => {
    const fileName = path.split('/').pop()!;
    const match = FILE_NAME.exec(fileName);
    if (!match) throw new MigrationError(`migration file "${fileName}" must be named NNNN_name.sql`);
    return { version: Number(match[1]), name: match[2]!, sql };
  });
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migrations must be numbered 1..n without gaps; found ${m.version} at position ${i + 1}`);
  });
  return migrations;
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies pending migrations, each in its own transaction with its bookkeeping row. Refuses a database
 * whose applied migrations differ from the bundled ones (edited after release, or written by a newer
 * Nightshift): running on it would corrupt data silently.
 */
export function migrate(db: Db, migrations: Migration[]): { applied: number[] } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as AppliedRow[];
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const bundled = known.get(row.version);
    if (!bundled) {
      throw new MigrationError(`database has migration ${row.version} (${row.name}) that this version of Nightshift does not know; it was written by a newer release`);
    }
    if (checksum(bundled.sql) !== row.checksum) {
      throw new MigrationError(`migration ${row.version} (${row.name}) was changed after it was applied; refusing to start`);
    }
  }
  const done = new Set(applied.map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  const newlyApplied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, checksum(migration.sql), new Date().toISOString());
    })();
    newlyApplied.push(migration.version);
  }
  return { applied: newlyApplied };
}
