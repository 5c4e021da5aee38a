import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { startServer, type RunningServer } from '../../start';
import { call } from '../../testing/harness';

const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-bootstrap-'));
const config = () => loadConfig(['--data-dir', dataDir, '--port', '0', '--log-level', 'silent'], {});
const running: RunningServer[] = [];
afterAll(async () => {
  for (const server of running) await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function desktopServer(): Promise<RunningServer> {
  const server = await startServer(config(), { bootstrap: true, allowCommandStepsByDefault: true });
  running.push(server);
  return server;
}

describe('desktop bootstrap', () => {
  let firstOwnerId = '';

  it('first run: creates the local owner and their organization, and signs them in once', async () => {
    const server = await desktopServer();
    expect(server.bootstrapToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const api = `${server.url}/api/v1`;
    const session = await call(api, 'POST', '/auth/bootstrap', { body: { token: server.bootstrapToken } });
    expect(session.status).toBe(200);
    expect(session.body.user.role).toBe('owner');
    expect(session.headers.get('set-cookie')).toMatch(/nightshift_access=.*HttpOnly/i);
    firstOwnerId = session.body.user.id;

    const settings = await call(api, 'GET', '/organization-settings', { token: session.body.access_token });
    expect(settings.body.allow_command_steps).toBe(true);
    const audit = await call(api, 'GET', '/audit?action=CREATE_LOCAL_OWNER', { token: session.body.access_token });
    expect(audit.body.meta.total).toBe(1);

    const again = await call(api, 'POST', '/auth/bootstrap', { body: { token: server.bootstrapToken } });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('INVALID_TOKEN');
    await server.close();
  });

  it('later runs sign the same owner in with a fresh token; a wrong token is refused', async () => {
    const server = await desktopServer();
    const api = `${server.url}/api/v1`;
    const wrong = await call(api, 'POST', '/auth/bootstrap', { body: { token: 'x'.repeat(43) } });
    expect(wrong.body.code).toBe('INVALID_TOKEN');
    const session = await call(api, 'POST', '/auth/bootstrap', { body: { token: server.bootstrapToken } });
    expect(session.status).toBe(200);
    expect(session.body.user.id).toBe(firstOwnerId);
    await server.close();
  });

  it('a headless server has no bootstrap door', async () => {
    const server = await startServer(config());
    running.push(server);
    expect(server.bootstrapToken).toBeUndefined();
    const response = await call(`${server.url}/api/v1`, 'POST', '/auth/bootstrap', { body: { token: 'x'.repeat(43) } });
    expect(response.body.code).toBe('INVALID_TOKEN');
    await server.close();
  });
});
