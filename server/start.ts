import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { version } from '../package.json';
import { buildApp } from './app';
import type { ServerConfig } from './config';
import { closeDatabase, openDatabase } from './db/database';
import { migrate } from './db/migrate';
import { MIGRATIONS } from './db/migrations';
import { ensureDataDir, loadOrCreateKey, lockDataDir } from './lib/data-dir';
import { randomToken, sha256 } from './lib/secrets';
import type { BootstrapGrant } from './modules/auth';
import { createSecretStore, type SecretStore } from './secrets';

export const VERSION = version;

export interface RunningServer {
  url: string;
  /** Set when started with `bootstrap`: the one-time token the desktop trades for a session. */
  bootstrapToken?: string;
  app: FastifyInstance;
  /** Stops accepting, lets in-flight requests finish, checkpoints the WAL and closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  allowCommandStepsByDefault?: boolean;
  /** Mint a one-time token for the desktop's local owner (the Electron host). */
  bootstrap?: boolean;
}

const BOOTSTRAP_TTL_MS = 5 * 60_000;

function localUserName(): string {
  try {
    return userInfo().username || 'Local owner';
  } catch {
    return 'Local owner'; // no passwd entry (some containers)
  }
}

function mintBootstrap(): { token: string; grant: BootstrapGrant } {
  const token = randomToken();
  return { token, grant: { tokenHash: sha256(token), expiresAt: Date.now() + BOOTSTRAP_TTL_MS, used: false, ownerName: localUserName() } };
}

export const databaseFile = (dataDir: string): string => join(dataDir, 'nightshift.db');

/** The one store of the server (DESIGN.md §8), the kind the config names; a malformed NIGHTSHIFT_SECRET_KEY fails the start. */
export function openSecretStore(config: Pick<ServerConfig, 'dataDir' | 'secretStore' | 'secretKey'>): SecretStore {
  return config.secretStore === 'keychain'
    ? createSecretStore({ kind: 'keychain' })
    : createSecretStore({ kind: 'file', dataDir: config.dataDir, ...(config.secretKey ? { secretKey: config.secretKey } : {}) });
}

export function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  ensureDataDir(config.dataDir);
  const lock = lockDataDir(config.dataDir);
  let db: ReturnType<typeof openDatabase> | undefined;
  try {
    db = openDatabase(databaseFile(config.dataDir), config.durability);
    migrate(db, MIGRATIONS);
    const jwtKey = loadOrCreateKey(join(config.dataDir, 'secrets', 'jwt.key'));
    const secrets = openSecretStore(config);
    // A copy, so the mail links can default to the address we end up listening on; the secret key stays out of the app.
    const { secretKey: _secretKey, ...appConfig } = config;
    const bootstrap = options.bootstrap ? mintBootstrap() : undefined;
    const { app } = await buildApp({
      db,
      config: appConfig,
      jwtKey,
      secrets,
      version,
      allowCommandStepsByDefault: options.allowCommandStepsByDefault ?? false,
      logger: { level: config.logLevel, stream: process.stderr },
      ...(bootstrap ? { bootstrap: bootstrap.grant } : {}),
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    appConfig.publicUrl ??= formatUrl(config.host, port);
    const openDb = db;
    let closing: Promise<void> | undefined;
    return {
      url: formatUrl(config.host, port),
      ...(bootstrap ? { bootstrapToken: bootstrap.token } : {}),
      app,
      close() {
        closing ??= (async () => {
          try {
            await app.close();
          } finally {
            closeDatabase(openDb);
            lock.release();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    if (db) closeDatabase(db);
    lock.release();
    throw error;
  }
}
