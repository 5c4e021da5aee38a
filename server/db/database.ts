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

/** Runs `fn` in one transaction (nested calls become savepoints): the mutation and its audit row land together. */
export type Transact = <T>(fn: () => T) => T;

export const transactor =
  (db: Db): Transact =>
  (fn) =>
    db.transaction(fn)();
