import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPrivateCli, type PrivateCli } from '../../testing/cli-process';
import { call, register, startTestServer, type Account } from '../../testing/harness';
import { processAlive, processGone } from './test-processes';

/** Executions across the death of the server: killed outright (a real CLI process), or closed cleanly. */
let cli: PrivateCli;
const dirs: string[] = [];
beforeAll(() => {
  cli = buildPrivateCli('executions-crash');
}, 120_000);
afterAll(() => {
  cli?.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-exec-restart-'));
  dirs.push(dir);
  return dir;
}

/** A runbook whose one command step runs long the first time and succeeds at once the second time. */
async function longRunbook(api: string, owner: Account, dir: string): Promise<{ executionId: string }> {
  expect((await call(api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { allow_command_steps: true } })).status).toBe(200);
  const script = [
    'if [ -f "$NIGHTSHIFT_VAR_MARKER" ]; then echo "second run"; exit 0; fi',
    'touch "$NIGHTSHIFT_VAR_MARKER"',
    'echo "leader $$"',
    'sleep 300 & echo "grandchild $!"',
    'echo "before the end"',
    'wait',
  ].join('\n');
  const procedure = await call(api, 'POST', '/procedures', {
    token: owner.accessToken,
    body: { title: 'Long job', variables: [{ name: 'marker', default: join(dir, 'marker') }], steps: [{ id: 'long', kind: 'command', title: 'Long', command: { interpreter: 'bash', script } }] },
  });
  expect(procedure.status).toBe(201);
  const execution = await call(api, 'POST', `/procedures/${procedure.body.id}/execute`, { token: owner.accessToken, body: {} });
  expect(execution.status).toBe(201);
  expect((await call(api, 'POST', `/executions/${execution.body.id}/steps/long/run`, { token: owner.accessToken })).status).toBe(202);
  return { executionId: execution.body.id };
}

/** The step's output file once it shows the line that says the script is waiting. */
async function outputSoFar(api: string, token: string, executionId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const output = await call(api, 'GET', `/executions/${executionId}/steps/long/output`, { token });
    if (output.status === 200 && output.text.includes('before the end')) return output.text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the step never got going');
}

const pidOf = (label: string, text: string) => Number(new RegExp(`${label} (\\d+)`).exec(text)![1]);

async function retryAndRun(api: string, token: string, executionId: string): Promise<any> {
  const retried = await call(api, 'PATCH', `/executions/${executionId}`, { token, body: { steps: [{ step: 'long', action: 'retry' }] } });
  expect(retried.status).toBe(200);
  expect((await call(api, 'POST', `/executions/${executionId}/steps/long/run`, { token })).status).toBe(202);
  for (let i = 0; i < 200; i++) {
    const execution = (await call(api, 'GET', `/executions/${executionId}`, { token })).body;
    if (execution.steps[0].status !== 'running') return execution;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the retried step never finished');
}

describe('executions survive the server', () => {
  it('SIGKILL mid-step: after a restart the step is interrupted with its output, its processes are gone, and a retry runs', { timeout: 90_000 }, async () => {
    const dataDir = newDir();
    const first = await cli.start(dataDir);
    const owner = await register(first.api, 'Crash Owner');
    const { executionId } = await longRunbook(first.api, owner, dataDir);
    const before = await outputSoFar(first.api, owner.accessToken, executionId);
    const leader = pidOf('leader', before);
    const grandchild = pidOf('grandchild', before);

    first.child.kill('SIGKILL');
    await first.exited;
    // The command is in its own process group: the server's death alone does not end it.
    expect(processAlive(leader)).toBe(true);

    const second = await cli.start(dataDir);
    try {
      const execution = (await call(second.api, 'GET', `/executions/${executionId}`, { token: owner.accessToken })).body;
      expect(execution.status).toBe('running');
      expect(execution.steps[0]).toMatchObject({
        status: 'interrupted', reason: 'The server stopped while the step was running', attempt: 1, output: before, output_bytes: Buffer.byteLength(before),
      });
      expect(execution.progress).toMatchObject({ interrupted: 1, running: 0 });
      expect(await processGone(leader)).toBe(true);
      expect(await processGone(grandchild)).toBe(true);
      const audit = await call(second.api, 'GET', '/audit?action=INTERRUPT_EXECUTION_STEP', { token: owner.accessToken });
      expect(audit.body.data.map((a: any) => a.resource_id)).toEqual([executionId]);

      const after = await retryAndRun(second.api, owner.accessToken, executionId);
      expect(after.steps[0]).toMatchObject({ status: 'succeeded', attempt: 2, output: 'second run\n' });
      expect(after.status).toBe('completed');
      // The interrupted attempt's file is still there, whole.
      expect((await call(second.api, 'GET', `/executions/${executionId}/steps/long/output?attempt=1`, { token: owner.accessToken })).text).toBe(before);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('a clean shutdown ends running commands and records them as interrupted', { timeout: 60_000 }, async () => {
    const dataDir = newDir();
    const first = await startTestServer({}, { dataDir });
    const owner = await register(first.api, 'Shutdown Owner');
    const { executionId } = await longRunbook(first.api, owner, dataDir);
    const before = await outputSoFar(first.api, owner.accessToken, executionId);
    await first.stop();
    expect(await processGone(pidOf('leader', before), 1000)).toBe(true);
    expect(await processGone(pidOf('grandchild', before), 1000)).toBe(true);

    const second = await startTestServer({}, { dataDir });
    try {
      const execution = (await call(second.api, 'GET', `/executions/${executionId}`, { token: owner.accessToken })).body;
      expect(execution.status).toBe('running');
      expect(execution.steps[0]).toMatchObject({ status: 'interrupted', reason: 'The server stopped while the step was running', output: before });
      // Recorded at shutdown, not found by recovery at the next start.
      const audit = await call(second.api, 'GET', '/audit?limit=100', { token: owner.accessToken });
      const actions = audit.body.data.filter((a: any) => a.resource_id === executionId).map((a: any) => a.action);
      expect(actions).toContain('FINISH_EXECUTION_STEP');
      expect(actions).not.toContain('INTERRUPT_EXECUTION_STEP');
      expect((await retryAndRun(second.api, owner.accessToken, executionId)).steps[0]).toMatchObject({ status: 'succeeded', output: 'second run\n' });
    } finally {
      await second.stop();
    }
  });
});
