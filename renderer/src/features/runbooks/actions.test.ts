import { describe, expect, it } from 'vitest';
import { canRetry, canSkip, currentStepIndex, primaryAction } from './actions';
import type { ExecutionStep } from './types';

const step = (patch: Partial<ExecutionStep>): ExecutionStep => ({
  position: 0,
  id: 's',
  kind: 'manual',
  title: 'Step',
  instructions: '',
  command: null,
  http: null,
  wait: null,
  status: 'pending',
  attempt: 0,
  output: '',
  output_bytes: 0,
  output_truncated: false,
  exit_code: null,
  reason: null,
  started_at: null,
  finished_at: null,
  actor_id: null,
  actor: null,
  ...patch,
});

describe('execution step actions', () => {
  it('says exactly what Enter will do for each kind of pending step', () => {
    expect(primaryAction(step({}), 'running')).toEqual({ kind: 'complete', label: 'Mark done' });
    expect(primaryAction(step({ kind: 'command', command: { interpreter: 'python3', script: 'print(1)', working_dir: null, timeout_seconds: 300, expected_exit_code: 0, env: {} } }), 'running')).toEqual({ kind: 'run', label: 'Run the Python 3 script on the server' });
    expect(primaryAction(step({ kind: 'http', http: { method: 'GET', url: 'http://x/health', headers: {}, body: null, expected_status: null, body_contains: null, timeout_seconds: 30 } }), 'running')?.label).toBe('Send GET http://x/health');
    expect(primaryAction(step({ kind: 'wait', wait: { seconds: 90, until: null, timeout_seconds: null } }), 'running')?.label).toBe('Start waiting 1 min 30 s');
    expect(primaryAction(step({ kind: 'wait', wait: { seconds: 600, until: 'alerts_resolved', timeout_seconds: null } }), 'running')?.label).toBe("Start waiting until the incident's alerts are resolved (at most 10 min)");
  });

  it('offers nothing to run while paused or once the step has left pending', () => {
    expect(primaryAction(step({}), 'paused')).toBeNull();
    expect(primaryAction(step({ status: 'failed' }), 'running')).toBeNull();
    expect(canRetry(step({ status: 'failed' }), 'running')).toBe(true);
    expect(canRetry(step({ status: 'interrupted' }), 'running')).toBe(true);
    expect(canRetry(step({ status: 'succeeded' }), 'running')).toBe(false);
    expect(canSkip(step({ status: 'running' }), 'running')).toBe(false);
    expect(canSkip(step({ status: 'pending' }), 'completed')).toBe(false);
  });

  it('starts at the first step not done', () => {
    expect(currentStepIndex([{ status: 'succeeded' }, { status: 'skipped' }, { status: 'failed' }, { status: 'pending' }])).toBe(2);
    expect(currentStepIndex([{ status: 'succeeded' }, { status: 'succeeded' }])).toBe(1);
    expect(currentStepIndex([])).toBe(0);
  });
});
