import { describe, expect, it } from 'vitest';
import { draftProblems, emptyDraft, fromDraft, isDirty, move, newStep, toDraft } from './draft';
import type { Procedure } from './types';

const procedure: Procedure = {
  id: 'p1',
  title: 'PgBouncer down',
  description: 'When the pooler stops answering',
  tags: ['postgres', 'db'],
  service_ids: ['s1'],
  alert_labels: { alertname: 'PgBouncerDown', env: '*' },
  variables: [{ name: 'host', description: 'Pooler host', default: 'db1', required: true }],
  steps: [
    { id: 'look', kind: 'manual', title: 'Look at the dashboard', instructions: 'Open **Grafana**.', command: null, http: null, wait: null },
    {
      id: 'restart',
      kind: 'command',
      title: 'Restart',
      instructions: '',
      command: { interpreter: 'bash', script: 'systemctl restart pgbouncer', working_dir: null, timeout_seconds: 60, expected_exit_code: 0, env: { PGHOST: 'db1', PGPASSWORD: { secret: 'pg_password' } } },
      http: null,
      wait: null,
    },
    {
      id: 'check',
      kind: 'http',
      title: 'Health',
      instructions: '',
      command: null,
      http: { method: 'GET', url: 'http://127.0.0.1/health', headers: { Authorization: { secret: 'token' } }, body: null, expected_status: 200, body_contains: 'ok', timeout_seconds: 10 },
      wait: null,
    },
    { id: 'settle', kind: 'wait', title: 'Let it settle', instructions: '', command: null, http: null, wait: { seconds: 300, until: 'alerts_resolved', timeout_seconds: null } },
  ],
  version: 3,
  latest_version: 3,
  created_by: 'u',
  created_at: '2026-01-01T00:00:00Z',
  updated_by: 'u',
  updated_at: '2026-01-01T00:00:00Z',
};

describe('runbook drafts', () => {
  it('round-trips a procedure to the API body it came from', () => {
    const body = fromDraft(toDraft(procedure));
    expect(body).toEqual({
      title: procedure.title,
      description: procedure.description,
      tags: procedure.tags,
      service_ids: procedure.service_ids,
      alert_labels: procedure.alert_labels,
      variables: procedure.variables,
      steps: procedure.steps,
    });
  });

  it('sends only the settings of the chosen kind, and keeps the others while the kind changes', () => {
    const draft = toDraft(procedure);
    const restart = draft.steps[1]!;
    const asManual = fromDraft({ ...draft, steps: [{ ...restart, kind: 'manual' }] }).steps![0]!;
    expect(asManual).toEqual({ id: 'restart', kind: 'manual', title: 'Restart', instructions: '', command: null, http: null, wait: null });
    const back = fromDraft({ ...draft, steps: [{ ...restart, kind: 'command' }] }).steps![0]!;
    expect(back.command?.script).toBe('systemctl restart pgbouncer');
  });

  it('turns empty boxes into "not set": a new step gets its id from the server, empty numbers are null', () => {
    const step = newStep('http');
    step.title = 'Ping';
    step.http.url = 'https://example.com';
    expect(fromDraft({ ...emptyDraft(), title: 'T', steps: [step] }).steps![0]).toEqual({
      kind: 'http',
      title: 'Ping',
      instructions: '',
      command: null,
      http: { method: 'GET', url: 'https://example.com', headers: {}, body: null, expected_status: null, body_contains: null, timeout_seconds: 30 },
      wait: null,
    });
  });

  it('is dirty only when what would be sent differs', () => {
    const loaded = toDraft(procedure);
    expect(isDirty(toDraft(procedure), loaded)).toBe(false);
    expect(isDirty({ ...loaded, tags: 'db, postgres ' }, loaded)).toBe(true);
    expect(isDirty({ ...loaded, tags: 'postgres,db' }, loaded)).toBe(false);
  });

  it('moves steps up and down within bounds', () => {
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(move(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(move(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });

  it('names the problems the server would refuse, before saving', () => {
    const draft = emptyDraft();
    const command = newStep('command');
    command.title = 'Run';
    command.command.env = [{ key: 'x', name: 'NIGHTSHIFT_X', source: 'value', value: '1' }];
    const dup = newStep('manual');
    dup.id = 'same';
    dup.title = 'a';
    const dup2 = { ...newStep('manual'), id: 'same', title: 'b' };
    expect(draftProblems({ ...draft, steps: [command, dup, dup2, newStep('wait')] })).toEqual([
      'The runbook needs a title.',
      'Step 1 needs a script.',
      'Step 1: NIGHTSHIFT_X is not an allowed variable name (A-Z, 0-9, _; not NIGHTSHIFT_…).',
      'Step 3: the id same is used twice.',
      'Step 4 needs a title.',
      'Step 4: wait a number of seconds, until a condition, or both.',
    ]);
  });
});
