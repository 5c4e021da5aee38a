import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base } from '@playwright/test';

const CLI = resolve(import.meta.dirname, '../out/server/cli.js');

export interface NightshiftServer {
  url: string;
  api: string;
  dataDir: string;
}

/** A real `nightshift serve` over a fresh data dir, built console included, for each test. */
async function startServer(): Promise<{ server: NightshiftServer; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /Nightshift listening on (\S+)/.exec(output);
      if (match) resolveUrl(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`nightshift serve exited with ${code} before it was ready`)));
  });
  return {
    server: { url, api: `${url}/api/v1`, dataDir },
    async stop() {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ nightshift: NightshiftServer }>({
  // Playwright reads a fixture's dependencies from its first parameter's destructuring.
  // eslint-disable-next-line no-empty-pattern
  nightshift: async ({}, use) => {
    const { server, stop } = await startServer();
    await use(server);
    await stop();
  },
  baseURL: async ({ nightshift }, use) => use(nightshift.url),
});

export { expect } from '@playwright/test';
