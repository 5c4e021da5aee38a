import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type AppDeps } from '../app';
import { loadConfig, type ServerConfig } from '../config';
import { closeDatabase, openDatabase } from '../db/database';
import { migrate } from '../db/migrate';
import { MIGRATIONS } from '../db/migrations';
import type { Clock } from '../lib/clock';
import { loadOrCreateKey } from '../lib/data-dir';
import { databaseFile, formatUrl, startServer, VERSION, type RunningServer } from '../start';

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

export interface OutboxMessage {
  id: string;
  recipient: string;
  subject: string;
  body: string;
  status: string;
  created_at: string;
}

/** The mail the server kept for the caller's organization, newest first (admins only; no SMTP in tests). */
export async function outbox(api: string, adminToken: string): Promise<OutboxMessage[]> {
  const response = await call<{ data: OutboxMessage[] }>(api, 'GET', '/admin/outbox?limit=100', { token: adminToken });
  if (response.status !== 200) throw new Error(`outbox failed: ${response.status} ${response.text}`);
  return response.body.data;
}

/** The one-time secret (reset, verification, invite) in the newest mail to `to` whose subject matches. */
export async function mailedToken(api: string, adminToken: string, to: string, subject: RegExp): Promise<string> {
  const message = (await outbox(api, adminToken)).find((m) => m.recipient.toLowerCase() === to.toLowerCase() && subject.test(m.subject));
  if (!message) throw new Error(`no mail to ${to} matching ${subject}`);
  const match = /token=([A-Za-z0-9_-]{43})/.exec(message.body);
  if (!match) throw new Error(`no token in mail "${message.subject}"`);
  return match[1]!;
}

/** Invites a fresh address into the admin's organization with `role` and accepts it: a new member signed in. */
export async function inviteMember(api: string, admin: Pick<Account, 'accessToken' | 'orgId'>, role: 'owner' | 'admin' | 'engineer' | 'viewer', name = `A ${role}`): Promise<Account> {
  const email = `member${Date.now()}${++counter}@example.com`;
  const password = 'member password 1234';
  const invite = await call(api, 'POST', '/me/invites', { token: admin.accessToken, body: { email, role } });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${invite.text}`);
  const token = await mailedToken(api, admin.accessToken, email, /invited/i);
  const accepted = await call(api, 'POST', '/auth/accept-invite', { body: { token, name, password } });
  if (accepted.status !== 201) throw new Error(`accept invite failed: ${accepted.status} ${accepted.text}`);
  return {
    email,
    password,
    accessToken: accepted.body.access_token,
    refreshToken: accepted.body.refresh_token,
    userId: accepted.body.user.id,
    orgId: admin.orgId,
  };
}

/** A clock tests move by hand; every time-based rule of the server reads it. */
export interface ManualClock extends Clock {
  advance(seconds: number): void;
}

export function manualClock(start = new Date()): ManualClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

/**
 * Like startTestServer, but the app is built with an injected clock (as start.ts builds it otherwise),
 * so expiry, lockout and daily caps can be tested without sleeping.
 */
export async function startClockedTestServer(
  overrides: Partial<ServerConfig> = {},
  deps: Pick<AppDeps, 'realtime'> = {},
): Promise<TestServer & { clock: ManualClock }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-test-'));
  const config: ServerConfig = { ...loadConfig(['--data-dir', dataDir, '--port', '0', '--log-level', 'silent'], {}), ...overrides };
  const clock = manualClock();
  const db = openDatabase(databaseFile(dataDir));
  migrate(db, MIGRATIONS);
  const jwtKey = loadOrCreateKey(join(dataDir, 'secrets', 'jwt.key'));
  const { app } = await buildApp({ db, config, jwtKey, version: VERSION, clock, logger: false, ...deps });
  await app.listen({ host: config.host, port: 0 });
  const address = app.server.address();
  const url = formatUrl(config.host, typeof address === 'object' && address ? address.port : 0);
  const server: RunningServer = {
    url,
    app,
    async close() {
      try {
        await app.close();
      } finally {
        closeDatabase(db);
      }
    },
  };
  return {
    url,
    api: `${url}/api/v1`,
    dataDir,
    server,
    clock,
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Checks DESIGN.md §3's error envelope (status, stable code, detail = error, request id echoed in the
 * header, no stack trace) and returns the body; throws with the response when anything is off.
 */
export function expectError(response: ApiResponse, status: number, code: string): { detail: string; error: string; status_code: number; code: string; fields?: { path: string; code: string; message: string }[]; request_id: string } {
  const body = response.body as Record<string, unknown>;
  const problems: string[] = [];
  if (response.status !== status) problems.push(`status ${response.status}, expected ${status}`);
  if (!(response.headers.get('content-type') ?? '').startsWith('application/json')) problems.push(`content-type ${response.headers.get('content-type')}`);
  if (typeof body !== 'object' || body === null) {
    problems.push('body is not JSON');
  } else {
    if (body.code !== code) problems.push(`code ${String(body.code)}, expected ${code}`);
    if (body.status_code !== response.status) problems.push(`status_code ${String(body.status_code)}`);
    if (typeof body.detail !== 'string' || !body.detail || body.error !== body.detail) problems.push('detail/error missing or different');
    if (typeof body.request_id !== 'string' || body.request_id !== response.headers.get('x-request-id')) problems.push('request_id does not match X-Request-ID');
    const allowed = ['detail', 'error', 'status_code', 'code', 'fields', 'request_id'];
    const extra = Object.keys(body).filter((k) => !allowed.includes(k));
    if (extra.length) problems.push(`unexpected keys ${extra.join(', ')}`);
  }
  if (/\bat \S+ \(|\.ts:\d+|node_modules|stack/i.test(response.text)) problems.push('looks like a stack trace');
  if (problems.length) throw new Error(`bad error envelope (${problems.join('; ')}): ${response.status} ${response.text}`);
  return body as ReturnType<typeof expectError>;
}
