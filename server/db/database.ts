import Database from 'better-sqlite3';
import type { Durability } from '../config';

export type Db = Database.Database;

/**
 * Opens the store with the pragmas DESIGN.md §4 settles: WAL, foreign keys, a busy timeout long
 * enough for a second process (a CLI, a backup) and `synchronous` by durability: NORMAL survives a
 * killed process, FULL also survives power loss.
 */
export function openDatabase(file: string, durability: Durability = 'normal'): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  return db;
}

/** Folds the WAL back into the main file and closes; safe to call once at shutdown. */
export function closeDatabase(db: Db): void {
  if (!db.open) return;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/**
 * Runs `fn` in one transaction (nested calls become savepoints): the mutation and its audit row land
 * together. `afterCommit` defers work that must only happen once the outermost transaction has
 * committed (announcing a change on the WebSocket, waking a delivery worker); a rollback drops it.
 */
export type Transact = (<T>(fn: () => T) => T) & { afterCommit(task: () => void): void };

interface TransactionState {
  depth: number;
  pending: Array<() => void>;
  /** One transaction function per connection, handed the work to run: better-sqlite3 builds a new wrapper per db.transaction() call. */
  run: (fn: () => unknown) => unknown;
}

// Keyed by connection, so every transactor over one database shares the same outermost transaction.
const states = new WeakMap<Db, TransactionState>();

export function transactor(db: Db): Transact {
  let state = states.get(db);
  if (!state) states.set(db, (state = { depth: 0, pending: [], run: db.transaction((fn: () => unknown) => fn()) }));
  const s = state;
  const transact = <T>(fn: () => T): T => {
    const mark = s.pending.length;
    s.depth += 1;
    let result: T;
    try {
      result = s.run(fn) as T;
    } catch (error) {
      // The savepoint rolled back: so does whatever it deferred.
      s.depth -= 1;
      s.pending.length = mark;
      throw error;
    }
    s.depth -= 1;
    if (s.depth === 0 && s.pending.length > 0) {
      const tasks = s.pending;
      s.pending = [];
      for (const task of tasks) task();
    }
    return result;
  };
  return Object.assign(transact, {
    afterCommit(task: () => void) {
      if (s.depth === 0) task();
      else s.pending.push(task);
    },
  });
}
