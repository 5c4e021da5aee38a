import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createApiKey, startTestServer, type TestServer } from '../harness';

const run = promisify(execFile);
const PLACEHOLDER_URL = 'https://your-instance.overwatch.com';
const PLACEHOLDER_KEY = 'overwatch_ak_1a2b3c4d5e6f7890';

let t: TestServer;
let apiKey: string;

/** The examples verbatim, with only the base URL and the API key swapped for real ones. */
function example(files: string[], suffix: string): string {
  const code = files.map((f) => readFileSync(new URL(f, import.meta.url), 'utf8')).join('\n');
  return `${code.replaceAll(PLACEHOLDER_URL, t.url).replaceAll(PLACEHOLDER_KEY, apiKey)}\n${suffix}\n`;
}

async function runScript(command: string, file: string, source: string): Promise<string> {
  const path = join(tmpdir(), `nightshift-example-${process.pid}-${file}`);
  writeFileSync(path, source);
  const { stdout } = await run(command, [path], { timeout: 20_000 });
  return stdout;
}

beforeAll(async () => {
  t = await startTestServer();
  // The account the examples log in as.
  const registered = await call(t.api, 'POST', '/auth/register', {
    body: { email: 'engineer@example.com', password: 'your-password', name: 'Jane Doe' },
  });
  expect(registered.status).toBe(201);
  apiKey = (await createApiKey(t.api, registered.body.access_token, { name: 'examples', scopes: ['incidents:read'] })).token;
});
afterAll(async () => t.stop());

describe('the Overwatch examples of spec 001 run unchanged', () => {
  it('Python (requests): login, list and create incidents, then use an API key', async () => {
    const stdout = await runScript('python3', 'examples.py', example(['login.py', 'incidents.py', 'api_key.py'], 'import json\nprint(json.dumps(incidents))'));
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('Found 0 incidents');
    expect(lines[1]).toMatch(/^Created incident [0-9a-f-]{36}$/);
    const listed = JSON.parse(lines[2]!);
    expect(listed.meta).toEqual({ total: 1, limit: 25, offset: 0 });
    expect(listed.data[0]).toMatchObject({ title: 'Redis cluster failover in us-east-1', severity: 'critical', status: 'active' });
  });

  it('JavaScript (fetch): login, list and create incidents, then use an API key', async () => {
    const stdout = await runScript('node', 'examples.mjs', example(['login.mjs', 'incidents.mjs', 'api_key.mjs'], 'console.log(JSON.stringify(await listActiveIncidents()));'));
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('Found 0 incidents');
    expect(lines[1]).toMatch(/^Created incident [0-9a-f-]{36}$/);
    const listed = JSON.parse(lines[2]!);
    expect(listed.meta.total).toBe(2);
    expect(listed.data.map((i: { created_by: string }) => i.created_by)).toHaveLength(2);
  });

  it('the login example fails the way 001 says when the password is wrong', async () => {
    const source = example(['login.mjs'], '').replace('"your-password"', '"wrong-password"');
    await expect(runScript('node', 'bad-login.mjs', source)).rejects.toThrow(/Incorrect email or password/);
  });
});
