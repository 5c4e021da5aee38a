import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { buildApp } from '../app';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrate } from '../db/migrate';
import { MIGRATIONS } from '../db/migrations';
import { VERSION } from '../start';

/** The OpenAPI document as the code describes it, from an app built over a throwaway in-memory store. */
export async function generateSpec(): Promise<Record<string, unknown>> {
  const db = openDatabase(':memory:');
  migrate(db, MIGRATIONS);
  const config = loadConfig(['--data-dir', tmpdir(), '--log-level', 'silent'], {});
  const { app } = await buildApp({ db, config, jwtKey: randomBytes(32), version: VERSION });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    db.close();
  }
}

export const serializeSpec = (spec: Record<string, unknown>): string => `${JSON.stringify(spec, null, 2)}\n`;
