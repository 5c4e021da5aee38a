import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ServerConfig } from '../config';
import { startServer, type RunningServer } from '../start';

/** A real server on a free port over a fresh data dir; every test talks to it over HTTP. */
export interface TestServer {
  url: string;
  api: string;
  dataDir: string;
  server: RunningServer;
  stop(): Promise<void>;
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}, options: { dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'nightshift-test-'));
  const config: ServerConfig = { ...loadConfig(['--data-dir', dataDir, '--port', '0', '--log-level', 'silent'], {}), ...overrides };
  const server = await startServer(config);
  return {
    url: server.url,
    api: `${server.url}/api/v1`,
    dataDir,
    server,
    async stop() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** fetch with JSON in and out; `token` goes as Bearer, or set headers yourself. */
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

let counter = 0;

export interface Account {
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  userId: string;
  orgId: string;
}

/** Registers a fresh owner with their own organization. */
export async function register(api: string, name = 'Owner'): Promise<Account> {
  const email = `user${Date.now()}${++counter}@example.com`;
  const password = 'correct horse battery staple';
  const response = await call(api, 'POST', '/auth/register', { body: { email, password, name } });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
  return {
    email,
    password,
    accessToken: response.body.access_token,
    refreshToken: response.body.refresh_token,
    userId: response.body.user.id,
    orgId: response.body.organization.id,
  };
}

export async function createApiKey(api: string, token: string, body: Record<string, unknown> = { name: 'test key' }): Promise<{ id: string; token: string }> {
  const response = await call(api, 'POST', '/api-keys', { token, body });
  if (response.status !== 201) throw new Error(`api key failed: ${response.status} ${response.text}`);
  return response.body;
}
