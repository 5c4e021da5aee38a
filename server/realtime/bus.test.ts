import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, transactor, type Db, type Transact } from '../db/database';
import { createEventBus, type EventBus } from './bus';

describe('event bus', () => {
  let dir: string;
  let db: Db;
  let transact: Transact;
  let live: string[];
  let errors: unknown[];
  let bus: EventBus;
  const rows = () => (db.prepare('SELECT what FROM outbox ORDER BY rowid').all() as { what: string }[]).map((r) => r.what);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nightshift-bus-'));
    db = openDatabase(join(dir, 'test.db'));
    db.exec('CREATE TABLE outbox (what TEXT NOT NULL); CREATE TABLE changes (what TEXT NOT NULL)');
    transact = transactor(db);
    live = [];
    errors = [];
    bus = createEventBus({ transact, hub: { publish: (_org, topic, event) => live.push(`${topic} ${event.event}`) }, onError: (error) => errors.push(error) });
    // A durable listener, like the outbound webhook outbox: it writes a row per event.
    bus.observe((_org, _topic, event) => void db.prepare('INSERT INTO outbox VALUES (?)').run(event.event));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the durable listeners\' rows in the change\'s own transaction and tells live subscribers after the commit', () => {
    transact(() => {
      db.prepare('INSERT INTO changes VALUES (?)').run('incident opened');
      bus.publish('org', 'incidents', { event: 'incident.created', data: {} });
      expect(rows()).toEqual(['incident.created']);
      expect(live).toEqual([]);
    });
    expect(rows()).toEqual(['incident.created']);
    expect(live).toEqual(['incidents incident.created']);
  });

  it('a rolled-back change leaves no outbox row and announces nothing', () => {
    expect(() =>
      transact(() => {
        db.prepare('INSERT INTO changes VALUES (?)').run('incident opened');
        bus.publish('org', 'incidents', { event: 'incident.created', data: {} });
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    expect(rows()).toEqual([]);
    expect(live).toEqual([]);
  });

  it('a failing listener loses only its own writes: the change commits and is announced', () => {
    bus.observe(() => {
      db.prepare('INSERT INTO outbox VALUES (?)').run('half-written');
      throw new Error('listener bug');
    });
    transact(() => {
      db.prepare('INSERT INTO changes VALUES (?)').run('incident opened');
      bus.publish('org', 'incidents', { event: 'incident.created', data: {} });
    });
    expect(rows()).toEqual(['incident.created']);
    expect((db.prepare('SELECT count(*) AS n FROM changes').get() as { n: number }).n).toBe(1);
    expect(live).toEqual(['incidents incident.created']);
    expect(errors).toHaveLength(1);
  });
});
