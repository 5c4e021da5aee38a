import { join } from 'node:path';
import { utilityProcess } from 'electron';
import { createServerSupervisor, type ServerStartError, type ServerSupervisor, type SupervisorOptions } from './server-supervisor';
import type { SecretStoreKind } from './secret-store-choice';

export interface ServerProcessOptions extends Pick<SupervisorOptions, 'preferredPort' | 'onRestarted' | 'onFailed'> {
  /** The folder of the built main bundle (out/main); the server and renderer builds sit beside it. */
  mainDir: string;
  dataDir: string;
  /** The store main chose (secret-store-choice.ts): the server keeps runbook secrets in the same one. */
  secretStore: SecretStoreKind;
}

export const serverHostPath = (mainDir: string): string => join(mainDir, '../server/electron-host.js');

export function serverHostArgs(mainDir: string, dataDir: string, port: number): string[] {
  return [
    '--data-dir', dataDir,
    // Whatever NIGHTSHIFT_HOST says for a headless server, the desktop's server is for this machine only.
    '--host', '127.0.0.1',
    '--port', String(port),
    '--renderer-dir', join(mainDir, '../renderer'),
  ];
}

/**
 * The server in an Electron utility process (DESIGN.md §1): its synchronous SQLite work never blocks the
 * window. NIGHTSHIFT_BOOTSTRAP=1 asks it to mint the one-time token that signs in the local owner;
 * NIGHTSHIFT_SECRET_STORE names the store main chose, which the server uses too.
 */
export function createServerProcess({ mainDir, dataDir, secretStore, ...supervision }: ServerProcessOptions): ServerSupervisor {
  return createServerSupervisor({
    ...supervision,
    fork: (port) =>
      utilityProcess.fork(serverHostPath(mainDir), serverHostArgs(mainDir, dataDir, port), {
        serviceName: 'Nightshift server',
        // NIGHTSHIFT_SECRET_KEY, if set, is inherited: both processes open the file store with the same key.
        env: { ...process.env, NIGHTSHIFT_BOOTSTRAP: '1', NIGHTSHIFT_SECRET_STORE: secretStore },
        stdio: 'inherit',
      }),
    timers: {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
  });
}

/** Words for the error dialog: what happened, and what the person can do about it. */
export function describeServerFailure(error: ServerStartError, dataDir: string): string {
  const advice =
    error.code === 'EADDRINUSE'
      ? 'Another program is using the port Nightshift asked for. Close it, or start Nightshift again to pick another port.'
      : error.code === 'DATA_DIR_LOCKED'
        ? 'Another Nightshift (perhaps `nightshift serve`) is using the same data folder. Stop it, then start Nightshift again.'
        : error.reason === 'timeout'
          ? 'The server took too long to start; a large database may still be migrating. Start Nightshift again.'
          : 'Start Nightshift again; if this keeps happening, run `nightshift serve --data-dir` on the data folder below to see the full error.';
  return `${error.message}\n\n${advice}\n\nData folder: ${dataDir}`;
}
