import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, transactor, type Db, type Transact } from '../../db/database';
import { groupCommit } from './group-commit';

describe('group commit', () => {
  let dir: string;
  let db: Db;
  let transact: Transact;
  // A second connection, as another process would read the file: it sees committed rows only.
  let reader: Db;
  const committed = () => (reader.prepare('SELECT v FROM t ORDER BY v').all() as { v: number }[]).map((r) => r.v);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nightshift-group-commit-'));
    db = openDatabase(join(dir, 'test.db'));
    db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
    transact = transactor(db);
    reader = new Database(join(dir, 'test.db'), { readonly: true });
  });
  afterEach(() => {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies what arrives in one turn in one transaction and answers only once it has committed', async () => {
    const batches: number[][] = [];
    const seenWhenAnswered: number[][] = [];
    const submit = groupCommit<number, number>({
      transact,
      apply: (v) => {
        db.prepare('INSERT INTO t VALUES (?)').run(v);
        expect(committed()).not.toContain(v);
        return v * 10;
      },
      finish: (done) => batches.push(done.map((d) => d.item)),
    });
    const answers = [1, 2, 3].map((v) => submit(v).then((r) => (seenWhenAnswered.push(committed()), r)));
    expect(committed()).toEqual([]);
    expect(await Promise.all(answers)).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(seenWhenAnswered).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 3]]);

    await submit(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('rolls a failing item back alone: its neighbours commit and only its submitter gets the error', async () => {
    const submit = groupCommit<number, number>({
      transact,
      apply: (v) => {
        db.prepare('INSERT INTO t VALUES (?)').run(v);
        transact.afterCommit(() => announced.push(v));
        if (v === 2) throw new Error('bad delivery');
        return v;
      },
    });
    const announced: number[] = [];
    const results = await Promise.allSettled([submit(1), submit(2), submit(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'bad delivery' });
    expect(committed()).toEqual([1, 3]);
    expect(announced).toEqual([1, 3]);
  });

  it('fails every item when the transaction itself fails, and nothing lands', async () => {
    const submit = groupCommit<number, number>({
      transact,
      apply: (v) => {
        db.prepare('INSERT INTO t VALUES (?)').run(v);
        return v;
      },
      finish: () => {
        throw new Error('disk full');
      },
    });
    const results = await Promise.allSettled([submit(1), submit(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(committed()).toEqual([]);
  });

  it('splits a long queue into batches of at most maxBatch', async () => {
    const batches: number[] = [];
    const submit = groupCommit<number, number>({ transact, apply: (v) => v, finish: (done) => batches.push(done.length), maxBatch: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => submit(i)));
    expect(batches).toEqual([4, 4, 2]);
  });
});
