import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, transactor, type Db } from './database';

describe('transactor afterCommit', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nightshift-db-'));
    db = openDatabase(join(dir, 'test.db'));
    db.exec('CREATE TABLE t (v INTEGER)');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs deferred tasks once the outermost transaction commits, seeing committed rows', () => {
    const transact = transactor(db);
    const seen: number[] = [];
    transact(() => {
      db.prepare('INSERT INTO t VALUES (1)').run();
      transact.afterCommit(() => seen.push((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n));
      transactor(db)(() => transact.afterCommit(() => seen.push(-1)));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([1, -1]);
  });

  it('drops the tasks of a rolled-back transaction or savepoint', () => {
    const transact = transactor(db);
    const seen: string[] = [];
    expect(() =>
      transact(() => {
        transact.afterCommit(() => seen.push('outer'));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    transact(() => {
      transact.afterCommit(() => seen.push('kept'));
      try {
        transact(() => {
          transact.afterCommit(() => seen.push('savepoint'));
          throw new Error('inner');
        });
      } catch {
        // the savepoint rolled back; the outer transaction goes on
      }
    });
    expect(seen).toEqual(['kept']);
  });

  it('runs at once outside a transaction', () => {
    const seen: string[] = [];
    transactor(db).afterCommit(() => seen.push('now'));
    expect(seen).toEqual(['now']);
  });
});
