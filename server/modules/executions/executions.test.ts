import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { processGone } from './test-processes';
import { call, expectError, inviteMember, register, startTestServer, type Account, type TestServer } from '../../testing/harness';

let t: TestServer;
let owner: Account;

beforeAll(async () => {
  t = await startTestServer();
  owner = await register(t.api, 'Runbook Owner');
  expect((await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { allow_command_steps: true } })).status).toBe(200);
});
afterAll(async () => {
  await t?.stop();
});

type StepInput = Record<string, unknown> & { kind: string; title: string };

async function procedure(steps: StepInput[], extra: Record<string, unknown> = {}, token = owner.accessToken): Promise<string> {
  const response = await call(t.api, 'POST', '/procedures', { token, body: { title: 'Runbook', steps, ...extra } });
  if (response.status !== 201) throw new Error(`create procedure: ${response.status} ${response.text}`);
  return response.body.id;
}

async function execute(procedureId: string, body: Record<string, unknown> = {}, token = owner.accessToken) {
  const response = await call(t.api, 'POST', `/procedures/${procedureId}/execute`, { token, body });
  if (response.status !== 201) throw new Error(`execute: ${response.status} ${response.text}`);
  return response.body;
}

const bash = (script: string, more: Record<string, unknown> = {}): StepInput => ({ kind: 'command', title: 'Run it', id: 'cmd', command: { interpreter: 'bash', script, ...more } });

async function incident(title: string, description = ''): Promise<string> {
  const response = await call(t.api, 'POST', '/incidents', { token: owner.accessToken, body: { title, description, severity: 'high' } });
  expect(response.status).toBe(201);
  return response.body.id;
}

/** Polls the execution until `step` is no longer running. */
async function settled(executionId: string, step: string, ms = 15_000): Promise<any> {
  const deadline = Date.now() + ms;
  for (;;) {
    const execution = (await call(t.api, 'GET', `/executions/${executionId}`, { token: owner.accessToken })).body;
    const found = execution.steps.find((s: any) => s.id === step);
    if (found.status !== 'running') return { execution, step: found };
    if (Date.now() > deadline) throw new Error(`step ${step} still running: ${JSON.stringify(found)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runAndSettle(executionId: string, step = 'cmd') {
  const run = await call(t.api, 'POST', `/executions/${executionId}/steps/${step}/run`, { token: owner.accessToken });
  if (run.status !== 202) throw new Error(`run: ${run.status} ${run.text}`);
  expect(run.body).toMatchObject({ id: step, status: 'running' });
  return settled(executionId, step);
}

describe('executions', () => {
  it('walks a runbook with manual steps: complete, skip with a reason, auto-completion, and the incident timeline', async () => {
    const id = await procedure([
      { kind: 'manual', title: 'Look at the dashboards', id: 'look' },
      { kind: 'manual', title: 'Page the DBA', id: 'page' },
    ], { variables: [{ name: 'region', required: true }, { name: 'tier', default: 'gold' }] });
    const incidentId = await incident('Database slow');

    expectError(await call(t.api, 'POST', `/procedures/${id}/execute`, { token: owner.accessToken, body: { incident_id: incidentId } }), 422, 'VALIDATION_FAILED');
    expectError(await call(t.api, 'POST', `/procedures/${id}/execute`, { token: owner.accessToken, body: { incident_id: 'nope', variables: { region: 'eu' } } }), 404, 'NOT_FOUND');
    expectError(await call(t.api, 'POST', `/procedures/nope/execute`, { token: owner.accessToken, body: {} }), 404, 'NOT_FOUND');

    const execution = await execute(id, { incident_id: incidentId, variables: { region: 'eu' } });
    expect(execution).toMatchObject({
      procedure_id: id, procedure_version: 1, title: 'Runbook', incident_id: incidentId, status: 'running',
      variables: { region: 'eu', tier: 'gold' }, started_by: owner.userId, started_by_name: 'Runbook Owner', finished_at: null,
      progress: { total: 2, pending: 2, succeeded: 0 },
    });
    expect(execution.steps.map((s: any) => [s.position, s.id, s.status, s.attempt])).toEqual([[0, 'look', 'pending', 0], [1, 'page', 'pending', 0]]);

    const path = `/executions/${execution.id}`;
    expectError(await call(t.api, 'PATCH', path, { token: owner.accessToken, body: { steps: [{ step: 'page', action: 'skip' }] } }), 422, 'INVALID_STEP_ACTION');
    expectError(await call(t.api, 'PATCH', path, { token: owner.accessToken, body: { status: 'completed' } }), 409, 'EXECUTION_INCOMPLETE');
    expectError(await call(t.api, 'POST', `${path}/steps/look/run`, { token: owner.accessToken }), 422, 'INVALID_STEP_ACTION');
    // All or none: the second change fails, so the first does not land either.
    expectError(await call(t.api, 'PATCH', path, { token: owner.accessToken, body: { steps: [{ step: 'look', action: 'complete' }, { step: 'look', action: 'complete' }] } }), 409, 'STEP_NOT_RUNNABLE');
    expect((await call(t.api, 'GET', path, { token: owner.accessToken })).body.steps[0].status).toBe('pending');

    const paused = await call(t.api, 'PATCH', path, { token: owner.accessToken, body: { status: 'paused', notes: 'Waiting for the DBA' } });
    expect(paused.body).toMatchObject({ status: 'paused', notes: 'Waiting for the DBA' });
    expectError(await call(t.api, 'PATCH', path, { token: owner.accessToken, body: { steps: [{ step: 'look', action: 'complete' }] } }), 409, 'EXECUTION_NOT_RUNNING');

    const walked = await call(t.api, 'PATCH', path, {
      token: owner.accessToken,
      body: { status: 'running', steps: [{ step: 'look', action: 'complete' }, { step: 'page', action: 'skip', reason: 'DBA already online' }] },
    });
    expect(walked.status).toBe(200);
    expect(walked.body.status).toBe('completed');
    expect(walked.body.finished_at).not.toBeNull();
    expect(walked.body.progress).toMatchObject({ total: 2, succeeded: 1, skipped: 1, pending: 0 });
    expect(walked.body.steps[1]).toMatchObject({ status: 'skipped', reason: 'DBA already online', actor_id: owner.userId, actor: 'Runbook Owner' });
    expectError(await call(t.api, 'PATCH', path, { token: owner.accessToken, body: { status: 'running' } }), 409, 'EXECUTION_NOT_RUNNING');
    // Notes stay editable afterwards.
    expect((await call(t.api, 'PATCH', path, { token: owner.accessToken, body: { notes: 'Postmortem: DBA was quick' } })).body.notes).toBe('Postmortem: DBA was quick');

    const detail = (await call(t.api, 'GET', `/incidents/${incidentId}`, { token: owner.accessToken })).body;
    expect(detail.executions).toEqual([expect.objectContaining({ id: execution.id, status: 'completed', title: 'Runbook' })]);
    const kinds = detail.timeline.map((e: any) => e.kind).filter((k: string) => k.startsWith('execution_'));
    expect(kinds).toEqual(['execution_started', 'execution_step', 'execution_step', 'execution_finished']);
    const skipped = detail.timeline.find((e: any) => e.kind === 'execution_step' && e.data.step === 'page');
    expect(skipped).toMatchObject({ actor_id: owner.userId, data: { execution_id: execution.id, status: 'skipped' } });

    const mine = await call(t.api, 'GET', `/executions?incident_id=${incidentId}&started_by=me&status=completed`, { token: owner.accessToken });
    expect(mine.body.data.map((e: any) => e.id)).toEqual([execution.id]);
    expect(mine.body.data[0].steps).toBeUndefined();
    const audit = await call(t.api, 'GET', `/audit?resource_type=execution&limit=100`, { token: owner.accessToken });
    const actions = audit.body.data.filter((a: any) => a.resource_id === execution.id).map((a: any) => a.action);
    expect(actions).toContain('START_EXECUTION');
    expect(actions).toContain('UPDATE_EXECUTION');
  });

  it('runs a command step: incident fields arrive only as environment values, verbatim, and nothing else of the server\'s environment', async () => {
    process.env.NIGHTSHIFT_TEST_SERVER_SECRET = 'server-only-value';
    const marker = join(tmpdir(), `nightshift-pwned-${process.pid}-${Date.now()}`);
    const hostile = `; rm -rf ~ $(id) \`touch ${marker}\` 'quoted' "double"\nsecond line && touch ${marker}; $(touch ${marker})`;
    const incidentId = await incident(hostile, `$(touch ${marker})`);
    const id = await procedure([bash('printf "%s|" "$NIGHTSHIFT_INCIDENT_TITLE" "$NIGHTSHIFT_INCIDENT_DESCRIPTION" "$NIGHTSHIFT_INCIDENT_SEVERITY" "$NIGHTSHIFT_VAR_TARGET" "$GREETING"; echo; env', {
      env: { GREETING: 'hello $(id)' },
    })], { variables: [{ name: 'target', default: '`reboot`' }] });
    const execution = await execute(id, { incident_id: incidentId });
    const { step } = await runAndSettle(execution.id);
    expect(step).toMatchObject({ status: 'succeeded', exit_code: 0, attempt: 1, reason: null, actor_id: owner.userId });
    const printed = `${hostile}|$(touch ${marker})|high|\`reboot\`|hello $(id)|\n`;
    expect(step.output.startsWith(printed)).toBe(true);
    expect(existsSync(marker)).toBe(false);
    const names = step.output.slice(printed.length).split('\n').filter(Boolean).map((line: string) => line.split('=')[0]);
    const allowed = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SHELL', 'GREETING', 'PWD', 'SHLVL', '_']);
    // Multi-line values span lines: only lines that look like NAME=… are names.
    for (const name of names.filter((n: string) => /^[A-Z_][A-Z0-9_]*$/.test(n))) expect(name.startsWith('NIGHTSHIFT_') || allowed.has(name), name).toBe(true);
    expect(step.output).not.toContain('server-only-value');
    expect(step.output).toContain(`NIGHTSHIFT_EXECUTION_ID=${execution.id}`);
    expect(step.output).toContain('NIGHTSHIFT_STEP_ID=cmd');
    expect(step.output).toContain(`NIGHTSHIFT_ACTOR=${owner.email}`);
    delete process.env.NIGHTSHIFT_TEST_SERVER_SECRET;

    const file = await call(t.api, 'GET', `/executions/${execution.id}/steps/cmd/output`, { token: owner.accessToken });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(file.text).toBe(step.output);
    expectError(await call(t.api, 'GET', `/executions/${execution.id}/steps/cmd/output?attempt=2`, { token: owner.accessToken }), 404, 'NOT_FOUND');
    // One step and it succeeded: the execution is done.
    expect((await call(t.api, 'GET', `/executions/${execution.id}`, { token: owner.accessToken })).body.status).toBe('completed');
  });

  it('resolves secrets at run time and redacts their values from output, file, row, timeline and audit', async () => {
    const value = 'pg-s3cr3t-value-1234';
    expect((await call(t.api, 'PUT', '/secrets/pg_password', { token: owner.accessToken, body: { value } })).status).toBe(204);
    const incidentId = await incident('Needs the password');
    // The value is printed whole, and split across two writes with a pause between them.
    const id = await procedure([
      bash('echo "password is $PGPASSWORD"; printf "%s" "${PGPASSWORD:0:7}"; sleep 0.3; echo "${PGPASSWORD:7}"; echo done', { env: { PGPASSWORD: { secret: 'pg_password' } } }),
      { kind: 'command', title: 'Missing', id: 'missing', command: { interpreter: 'sh', script: 'echo "$X"', env: { X: { secret: 'not_set' } } } },
    ]);
    const execution = await execute(id, { incident_id: incidentId });

    const missing = expectError(await call(t.api, 'POST', `/executions/${execution.id}/steps/missing/run`, { token: owner.accessToken }), 422, 'SECRET_NOT_FOUND');
    expect(missing.fields?.[0]?.path).toBe('command.env.X');

    const { step } = await runAndSettle(execution.id);
    expect(step.status).toBe('succeeded');
    expect(step.output).toBe('password is [redacted:pg_password]\n[redacted:pg_password]\ndone\n');
    const file = await call(t.api, 'GET', `/executions/${execution.id}/steps/cmd/output`, { token: owner.accessToken });
    expect(file.text).toBe(step.output);
    const timeline = (await call(t.api, 'GET', `/incidents/${incidentId}/timeline?limit=100`, { token: owner.accessToken })).body.data;
    const entry = timeline.find((e: any) => e.kind === 'execution_step');
    expect(entry.data.output_tail).toBe(step.output);
    const audit = await call(t.api, 'GET', '/audit?limit=100', { token: owner.accessToken });
    const rows = audit.body.data.filter((a: any) => a.resource_id === execution.id);
    expect(rows.find((a: any) => a.action === 'FINISH_EXECUTION_STEP').meta.output_tail).toBe(step.output);
    for (const text of [JSON.stringify(rows), JSON.stringify(timeline), JSON.stringify((await call(t.api, 'GET', `/executions/${execution.id}`, { token: owner.accessToken })).body)]) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(value.slice(7));
    }
  });

  it('refuses command steps to viewers, to organizations that do not allow them, and to API keys without the scope', async () => {
    const id = await procedure([bash('echo hi')]);
    const execution = await execute(id);
    const viewer = await inviteMember(t.api, owner, 'viewer');
    expectError(await call(t.api, 'POST', `/executions/${execution.id}/steps/cmd/run`, { token: viewer.accessToken }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(t.api, 'POST', `/procedures/${id}/execute`, { token: viewer.accessToken, body: {} }), 403, 'INSUFFICIENT_ROLE');
    expect((await call(t.api, 'GET', `/executions/${execution.id}`, { token: viewer.accessToken })).status).toBe(200);
    const key = (await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'read only', scopes: ['executions:read'] } })).body.token;
    expectError(await call(t.api, 'POST', `/executions/${execution.id}/steps/cmd/run`, { token: key }), 403, 'PAT_SCOPE_INSUFFICIENT');

    const other = await register(t.api, 'Headless Owner');
    const theirs = await execute(await procedure([bash('echo hi')], {}, other.accessToken), {}, other.accessToken);
    const refused = expectError(await call(t.api, 'POST', `/executions/${theirs.id}/steps/cmd/run`, { token: other.accessToken }), 403, 'COMMAND_STEPS_DISABLED');
    expect(refused.detail).toMatch(/allow_command_steps/);
    expect((await call(t.api, 'GET', `/executions/${theirs.id}`, { token: other.accessToken })).body.steps[0]).toMatchObject({ status: 'pending', attempt: 0 });
    // Another organization's execution does not exist for this caller.
    expectError(await call(t.api, 'GET', `/executions/${execution.id}`, { token: other.accessToken }), 404, 'NOT_FOUND');
  });

  it('a failing command fails its step; retry runs it again as a new attempt with its own output file', async () => {
    const id = await procedure([bash('echo "attempt $(cat count 2>/dev/null || echo 0)"; echo 1 > count; test -f ok', { expected_exit_code: 0 })]);
    const execution = await execute(id);
    const first = await runAndSettle(execution.id);
    expect(first.step).toMatchObject({ status: 'failed', exit_code: 1, attempt: 1, reason: 'Exited with 1, expected 0', output: 'attempt 0\n' });
    expectError(await call(t.api, 'POST', `/executions/${execution.id}/steps/cmd/run`, { token: owner.accessToken }), 409, 'STEP_NOT_RUNNABLE');
    const retried = await call(t.api, 'PATCH', `/executions/${execution.id}`, { token: owner.accessToken, body: { steps: [{ step: 'cmd', action: 'retry' }] } });
    expect(retried.body.steps[0]).toMatchObject({ status: 'pending', attempt: 1, reason: null });
    const second = await runAndSettle(execution.id);
    expect(second.step).toMatchObject({ status: 'failed', attempt: 2, output: 'attempt 1\n' });
    expect((await call(t.api, 'GET', `/executions/${execution.id}/steps/cmd/output?attempt=1`, { token: owner.accessToken })).text).toBe('attempt 0\n');
    expect((await call(t.api, 'GET', `/executions/${execution.id}/steps/cmd/output`, { token: owner.accessToken })).text).toBe('attempt 1\n');
  });

  it('a timeout kills the step\'s whole process group, grandchildren included', { timeout: 30_000 }, async () => {
    const id = await procedure([bash('sleep 300 & echo "grandchild $!"; trap "" TERM; wait', { timeout_seconds: 1 })]);
    const execution = await execute(id);
    const { step } = await runAndSettle(execution.id);
    expect(step).toMatchObject({ status: 'failed', reason: 'Timed out after 1 s' });
    expect(await processGone(Number(/grandchild (\d+)/.exec(step.output)![1]))).toBe(true);
  });

  it('stop ends a running step, which fails with the reason; one step at a time', async () => {
    const id = await procedure([bash('echo started; sleep 300'), { ...bash('echo two'), id: 'two' }]);
    const execution = await execute(id);
    expect((await call(t.api, 'POST', `/executions/${execution.id}/steps/cmd/run`, { token: owner.accessToken })).status).toBe(202);
    expectError(await call(t.api, 'POST', `/executions/${execution.id}/steps/two/run`, { token: owner.accessToken }), 409, 'EXECUTION_BUSY');
    expectError(await call(t.api, 'PATCH', `/executions/${execution.id}`, { token: owner.accessToken, body: { steps: [{ step: 'cmd', action: 'skip', reason: 'x' }] } }), 409, 'STEP_NOT_RUNNABLE');
    const stopped = await call(t.api, 'PATCH', `/executions/${execution.id}`, { token: owner.accessToken, body: { steps: [{ step: 'cmd', action: 'stop', reason: 'Wrong host' }] } });
    // Running until its processes are gone; then failed with the reason.
    expect(stopped.body.steps[0]).toMatchObject({ status: 'running' });
    const { step } = await settled(execution.id, 'cmd');
    expect(step).toMatchObject({ status: 'failed', reason: 'Wrong host', output: 'started\n', exit_code: null });
    expect((await runAndSettle(execution.id, 'two')).step).toMatchObject({ status: 'succeeded', output: 'two\n' });
  });

  it('cancelling ends the running step; a wait under way can be completed by hand', async () => {
    const id = await procedure([bash('sleep 300'), { kind: 'wait', title: 'Hold', id: 'hold', wait: { seconds: 300 } }]);
    const first = await execute(id);
    expect((await call(t.api, 'POST', `/executions/${first.id}/steps/cmd/run`, { token: owner.accessToken })).status).toBe(202);
    const cancelled = await call(t.api, 'PATCH', `/executions/${first.id}`, { token: owner.accessToken, body: { status: 'cancelled' } });
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect(cancelled.body.finished_at).not.toBeNull();
    expect((await settled(first.id, 'cmd')).step).toMatchObject({ status: 'failed', reason: 'The execution was cancelled' });
    expectError(await call(t.api, 'POST', `/executions/${first.id}/steps/hold/run`, { token: owner.accessToken }), 409, 'EXECUTION_NOT_RUNNING');

    const second = await execute(id);
    expect((await call(t.api, 'PATCH', `/executions/${second.id}`, { token: owner.accessToken, body: { steps: [{ step: 'cmd', action: 'skip', reason: 'Not needed' }] } })).status).toBe(200);
    expect((await call(t.api, 'POST', `/executions/${second.id}/steps/hold/run`, { token: owner.accessToken })).status).toBe(202);
    const done = await call(t.api, 'PATCH', `/executions/${second.id}`, { token: owner.accessToken, body: { steps: [{ step: 'hold', action: 'complete' }] } });
    expect(done.body.steps[1]).toMatchObject({ status: 'succeeded' });
    expect(done.body.status).toBe('completed');
    // The wait's end is recorded on its output once it has stopped.
    let output = '';
    for (let i = 0; i < 100 && !output.includes('Stopped'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      output = (await call(t.api, 'GET', `/executions/${second.id}`, { token: owner.accessToken })).body.steps[1].output;
    }
    expect(output).toMatch(/^Waiting 300 s\nStopped after \d+ s\n$/);
  });

  it('streams output live on execution:{id}, throttled, with offsets into the file', async () => {
    const id = await procedure([bash('for i in $(seq 1 30); do echo "line $i"; sleep 0.02; done')]);
    const execution = await execute(id);
    const ticket = (await call(t.api, 'POST', '/ws/ticket', { token: owner.accessToken })).body.ticket;
    const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/v1/ws?ticket=${ticket}`);
    const messages: any[] = [];
    socket.on('message', (raw) => messages.push(JSON.parse(String(raw))));
    const waitFor = async (predicate: (m: any) => boolean) => {
      for (let i = 0; i < 300 && !messages.some(predicate); i++) await new Promise((r) => setTimeout(r, 20));
      return messages.find(predicate);
    };
    await waitFor((m) => m.type === 'ready');
    socket.send(JSON.stringify({ type: 'subscribe', topics: [`execution:${execution.id}`] }));
    expect(await waitFor((m) => m.type === 'subscribed')).toBeTruthy();
    await runAndSettle(execution.id);
    await waitFor((m) => m.event === 'execution.updated' && m.data.status === 'completed');
    const chunks = messages.filter((m) => m.type === 'stream' && m.event === 'execution.output').map((m) => m.data);
    socket.close();
    expect(chunks.length).toBeGreaterThan(1);
    let offset = 0;
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ execution_id: execution.id, step: 'cmd', attempt: 1, offset, skipped_bytes: 0 });
      offset += Buffer.byteLength(chunk.text);
    }
    expect(chunks.map((c) => c.text).join('')).toBe(Array.from({ length: 30 }, (_, i) => `line ${i + 1}\n`).join(''));
    expect(messages.some((m) => m.type === 'event' && m.event === 'execution.updated' && m.data.steps?.[0]?.status === 'running')).toBe(true);
  });

  it('a command printing 50 MB: every byte in the file, the row and live stream bounded, the server\'s memory flat', { timeout: 60_000 }, async () => {
    // A first, smaller run lets the garbage collector size itself: the measured run then shows what is kept, not what awaits collection.
    const id = await procedure([{ ...bash('head -c 20971520 /dev/zero | tr "\\0" "y"'), id: 'warm' }, bash('head -c 52428800 /dev/zero | tr "\\0" "x"; echo; echo end')]);
    const execution = await execute(id);
    const ticket = (await call(t.api, 'POST', '/ws/ticket', { token: owner.accessToken })).body.ticket;
    const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/v1/ws?ticket=${ticket}`);
    const chunks: any[] = [];
    let subscribed = false;
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw));
      if (message.type === 'ready') socket.send(JSON.stringify({ type: 'subscribe', topics: [`execution:${execution.id}`] }));
      if (message.type === 'subscribed') subscribed = true;
      if (message.event === 'execution.output') chunks.push(message.data);
    });
    for (let i = 0; i < 200 && !subscribed; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await runAndSettle(execution.id, 'warm')).step.status).toBe('succeeded');
    chunks.length = 0;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const { step } = await runAndSettle(execution.id);
    clearInterval(sampler);
    socket.close();
    expect(step).toMatchObject({ status: 'succeeded', output_bytes: 50 * 1024 * 1024 + 5, output_truncated: true });
    expect(Buffer.byteLength(step.output)).toBe(64 * 1024);
    expect(step.output.endsWith('xx\nend\n')).toBe(true);
    // Holding the output (as bytes, or as a string) would take 50 to 100 MB.
    expect(peak - before).toBeLessThan(24 * 1024 * 1024);
    for (const chunk of chunks) expect(Buffer.byteLength(chunk.text)).toBeLessThanOrEqual(32 * 1024);
    const last = chunks.at(-1);
    expect(last.offset + Buffer.byteLength(last.text)).toBe(50 * 1024 * 1024 + 5);
    expect(chunks.reduce((sum, c) => sum + c.skipped_bytes + Buffer.byteLength(c.text), 0)).toBe(50 * 1024 * 1024 + 5);
    const download = await fetch(`${t.api}/executions/${execution.id}/steps/cmd/output`, { headers: { authorization: `Bearer ${owner.accessToken}` } });
    let bytes = 0;
    for await (const part of download.body!) bytes += (part as Uint8Array).length;
    expect(bytes).toBe(50 * 1024 * 1024 + 5);
  });

  describe('http steps', () => {
    let target: Server;
    let base: string;
    beforeAll(async () => {
      target = createServer((request, response) => {
        if (request.url === '/health') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('all ok');
        if (request.url === '/echo') return void response.writeHead(200).end(`you sent ${request.headers.authorization}`);
        response.writeHead(503).end('down');
      });
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => target.close(() => resolve())));

    const http = (id: string, url: string, more: Record<string, unknown> = {}): StepInput => ({ kind: 'http', title: `Check ${id}`, id, http: { method: 'GET', url, ...more } });

    it('checks status and body, records the response in the output, and refuses link-local addresses', async () => {
      const id = await procedure([
        http('ok', `${base}/health`, { body_contains: 'ok' }),
        http('down', `${base}/other`),
        http('words', `${base}/health`, { expected_status: 200, body_contains: 'missing' }),
        http('meta', 'http://169.254.169.254/latest/meta-data/'),
      ]);
      const execution = await execute(id);
      const ok = await runAndSettle(execution.id, 'ok');
      expect(ok.step).toMatchObject({ status: 'succeeded', exit_code: null });
      expect(ok.step.output).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/health\n→ 200 OK \(\d+ ms\)\ncontent-type: text\/plain\n\nall ok\n$/);
      expect((await runAndSettle(execution.id, 'down')).step).toMatchObject({ status: 'failed', reason: 'Expected a 2xx status, got 503' });
      expect((await runAndSettle(execution.id, 'words')).step).toMatchObject({ status: 'failed', reason: 'The response body does not contain "missing"' });
      const refused = expectError(await call(t.api, 'POST', `/executions/${execution.id}/steps/meta/run`, { token: owner.accessToken }), 422, 'HTTP_STEP_URL_NOT_ALLOWED');
      expect(refused.fields?.[0]?.path).toBe('http.url');
    });

    it('fills {{variables}} into the URL before checking it, and refuses a URL a variable points at metadata', async () => {
      const id = await procedure([http('ok', '{{base_url}}/health'), http('missing', '{{nowhere}}/health')], {
        variables: [{ name: 'base_url', required: true }],
      });
      const execution = await execute(id, { variables: { base_url: base } });
      const { step } = await runAndSettle(execution.id, 'ok');
      expect(step).toMatchObject({ status: 'succeeded' });
      expect(step.output).toContain(`GET ${base}/health`);
      const missing = expectError(await call(t.api, 'POST', `/executions/${execution.id}/steps/missing/run`, { token: owner.accessToken }), 422, 'VALIDATION_FAILED');
      expect(missing.fields?.[0]).toMatchObject({ path: 'http.url', code: 'unknown_variable' });

      const sneaky = await execute(id, { variables: { base_url: 'http://169.254.169.254' } });
      expectError(await call(t.api, 'POST', `/executions/${sneaky.id}/steps/ok/run`, { token: owner.accessToken }), 422, 'HTTP_STEP_URL_NOT_ALLOWED');
    });

    it('sends secret headers and redacts them from what comes back', async () => {
      expect((await call(t.api, 'PUT', '/secrets/api_token', { token: owner.accessToken, body: { value: 'Bearer tok-987654' } })).status).toBe(204);
      const id = await procedure([http('echo', `${base}/echo`, { headers: { authorization: { secret: 'api_token' } } })]);
      const execution = await execute(id);
      const { step } = await runAndSettle(execution.id, 'echo');
      expect(step.status).toBe('succeeded');
      expect(step.output).toContain('you sent [redacted:api_token]');
      expect(step.output).not.toContain('tok-987654');
    });
  });

  it('a wait step waits, and one waiting on the incident completes when it is resolved', async () => {
    const incidentId = await incident('Waiting game');
    const id = await procedure([
      { kind: 'wait', title: 'Pause', id: 'pause', wait: { seconds: 1 } },
      { kind: 'wait', title: 'Until resolved', id: 'resolved', wait: { until: 'incident_resolved' } },
    ]);
    const execution = await execute(id, { incident_id: incidentId });
    const started = Date.now();
    expect((await runAndSettle(execution.id, 'pause')).step).toMatchObject({ status: 'succeeded', output: 'Waiting 1 s\nWaited 1 s\n' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await call(t.api, 'POST', `/executions/${execution.id}/steps/resolved/run`, { token: owner.accessToken })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 100));
    expect((await call(t.api, 'GET', `/executions/${execution.id}`, { token: owner.accessToken })).body.steps[1].status).toBe('running');
    expect((await call(t.api, 'POST', `/incidents/${incidentId}/resolve`, { token: owner.accessToken, body: {} })).status).toBe(200);
    const { step, execution: after } = await settled(execution.id, 'resolved');
    expect(step.status).toBe('succeeded');
    expect(after.status).toBe('completed');
  });
});
