import { describe, expect, it } from 'vitest';
import { normalizeProcedureDraft, parseProcedureMarkdown, renderProcedureMarkdown, type MarkdownProcedureDraft } from './procedures.markdown';
import type { ProcedureDraftInput } from './procedures.schemas';

type ProcedureDraft = MarkdownProcedureDraft;

const parsed = (text: string): ProcedureDraft => {
  const result = parseProcedureMarkdown(text);
  if (!result.ok) throw new Error(`expected the runbook to parse: ${JSON.stringify(result.errors)}`);
  return result.procedure;
};
const errorsOf = (text: string) => {
  const result = parseProcedureMarkdown(text);
  if (result.ok) throw new Error('expected parse errors');
  return result.errors;
};
const command = (script: string, more: Partial<NonNullable<ProcedureDraft['steps'][number]['command']>> = {}) => ({
  interpreter: 'bash' as const, script, working_dir: null, timeout_seconds: 300, expected_exit_code: 0, env: {}, ...more,
});

/** Every step kind and every escape the format has. */
const everything: ProcedureDraft = {
  title: 'PgBouncer down: restart and verify',
  description: 'When PgBouncer stops answering.\n\nSee the *architecture* doc first.\n',
  tags: ['postgres', 'pgbouncer', '2024'],
  service_ids: ['0190a5b2-0000-7000-8000-000000000001', '0190a5b2-0000-7000-8000-000000000002'],
  alert_labels: { alertname: 'PgBouncerDown', severity: '*', code: '500' },
  variables: [
    { name: 'host', description: 'Database host', default: 'db1.internal', required: true },
    { name: 'port', description: '', default: '6432', required: false },
    { name: 'reason', description: 'Why we restart', default: null, required: false },
    { name: 'literal_null', description: '', default: 'null', required: false },
  ],
  steps: [
    {
      id: 'check-dashboards', kind: 'manual', title: 'Check the dashboards',
      instructions: 'Open **Grafana** → PgBouncer.\n\n- pools\n- clients\n\n### Details\n\n```text\nnot a command\n```',
      command: null, http: null, wait: null,
    },
    {
      kind: 'manual', title: 'Read the examples (no id)',
      // A manual step whose instructions hold a bash block and a `##` line: both must stay instructions.
      instructions: 'Never run this by hand:\n\n```bash\nrm -rf /var/lib/pgbouncer\n```\n\n## not a step\n\\## escaped already',
      command: null, http: null, wait: null,
    },
    {
      id: 'restart', kind: 'command', title: 'Restart PgBouncer',
      instructions: 'Earlier example, not the step:\n\n```bash\necho example\n```',
      command: command('set -euo pipefail\nsystemctl restart pgbouncer\n', {
        timeout_seconds: 60, working_dir: '/srv/pg bouncer', expected_exit_code: 3,
        env: {
          PGHOST: 'db1', PGPASSWORD: { secret: 'pg_password' }, GREETING: 'hello "world"\nline two',
          LITERAL: 'secret:not-a-ref', EMPTY: '',
        },
      }),
      http: null, wait: null,
    },
    {
      id: 'markdown-in-script', kind: 'command', title: 'Write a README',
      instructions: '',
      command: {
        interpreter: 'python3', script: 'print("""\n```\ncode\n````\n""")', working_dir: null,
        timeout_seconds: 300, expected_exit_code: 0, env: {},
      },
      http: null, wait: null,
    },
    {
      id: 'health', kind: 'http', title: 'Check the health endpoint', instructions: 'Expect `ok`.',
      command: null,
      http: {
        method: 'POST', url: 'https://pgbouncer.internal:8443/health?full=1',
        headers: { Authorization: { secret: 'health_token' }, 'Content-Type': 'application/json', 'X-Literal': 'secret:abc', 'X-Back': '\\x' },
        body: '{"check": "all"}\n', expected_status: 200, body_contains: 'status `ok`', timeout_seconds: 10,
      },
      wait: null,
    },
    {
      kind: 'http', title: 'Ping', instructions: '', command: null,
      http: { method: 'GET', url: 'http://127.0.0.1:9100/', headers: {}, body: null, expected_status: null, body_contains: null, timeout_seconds: 30 },
      wait: null,
    },
    {
      id: 'settle', kind: 'wait', title: 'Let the alerts settle', instructions: 'Give it five minutes.', command: null, http: null,
      wait: { seconds: 300, until: 'alerts_resolved', timeout_seconds: null },
    },
    {
      kind: 'wait', title: 'Until resolved {really}', instructions: '', command: null, http: null,
      wait: { seconds: null, until: 'incident_resolved', timeout_seconds: 3600 },
    },
    { kind: 'manual', title: 'Tell C #', instructions: '', command: null, http: null, wait: null },
    { kind: 'manual', title: 'Deploy {#x}', instructions: '', command: null, http: null, wait: null },
  ],
};

describe('runbook markdown: round trips', () => {
  it('parse(render(p)) equals p for every step kind, secret references, variables and alert labels', () => {
    const text = renderProcedureMarkdown(everything);
    expect(parsed(text)).toEqual(everything);
    // Secrets travel by name only.
    expect(text).toContain('env.PGPASSWORD=secret:pg_password');
    expect(text).toContain('Authorization: secret:health_token');
    expect(text).toContain('X-Literal: \\secret:abc');
    expect(text).toContain('env.LITERAL="secret:not-a-ref"');
    // The escapes that keep the trip exact.
    expect(text).toContain('## Read the examples (no id) {kind=manual}');
    expect(text).toContain('\n\\## not a step\n');
    expect(text).toContain('## Tell C # {}');
    expect(text).toContain('## Deploy {#x} {}');
    expect(text).toContain('\n`````python3 {id=markdown-in-script}\n');
    expect(text).toContain('~~~http {id=health status=200 contains="status `ok`" timeout=10}');
    expect(renderProcedureMarkdown(parsed(text))).toBe(text);
  });

  it('renders a small procedure as readable Markdown, with defaults left out', () => {
    const text = renderProcedureMarkdown({
      title: 'Rotate logs',
      steps: [
        { id: 'look', kind: 'manual', title: 'Look at the disk', instructions: 'Run `df -h`.' },
        { id: 'rotate', kind: 'command', title: 'Rotate', command: { interpreter: 'sh', script: 'logrotate -f /etc/logrotate.conf' } },
        { kind: 'wait', title: 'Wait', wait: { seconds: 60 } },
      ],
    });
    expect(text).toBe([
      '---',
      'title: Rotate logs',
      '---',
      '',
      '## Look at the disk {#look}',
      '',
      'Run `df -h`.',
      '',
      '## Rotate',
      '',
      '```sh {id=rotate}',
      'logrotate -f /etc/logrotate.conf',
      '```',
      '',
      '## Wait',
      '',
      '```wait {seconds=60}',
      '',
      '```',
      '',
    ].join('\n'));
  });

  it('normalizes what an API body leaves out, so both sides compare equal', () => {
    const input: ProcedureDraftInput = {
      title: '  Spaces\n in title ',
      steps: [{ kind: 'http', title: 'Get', instructions: '\n\nbody text  \n\n', http: { method: 'GET', url: 'http://x/', body: '' } }],
    };
    const normal = normalizeProcedureDraft(input);
    expect(normal).toEqual({
      title: 'Spaces in title', description: '', tags: [], service_ids: [], alert_labels: {}, variables: [],
      steps: [{
        kind: 'http', title: 'Get', instructions: 'body text', command: null, wait: null,
        http: { method: 'GET', url: 'http://x/', headers: {}, body: null, expected_status: null, body_contains: null, timeout_seconds: 30 },
      }],
    });
    expect(parsed(renderProcedureMarkdown(input))).toEqual(normal);
  });
});

const handWritten = `---
title: PgBouncer down
tags: [postgres, pgbouncer]
services:
  - 0190a5b2-0000-7000-8000-000000000001
alert_labels:
  alertname: PgBouncerDown
  env: "*"
variables:
  - name: host
    description: The database host behind PgBouncer
    default: db1.internal
  - name: port
    default: 6432
  - name: ticket
    required: true
---

Clients get \`connection refused\` from port 6432. Work through the steps in order.

## Check the dashboards {#check-dashboards}

Open the **PgBouncer** dashboard and look at:

1. active client connections
2. the pool wait time

\`\`\`promql
sum(pgbouncer_pools_client_waiting_connections)
\`\`\`

## Is the process running?

\`\`\`console {id=status}
systemctl status pgbouncer --no-pager
\`\`\`

If it says \`active (running)\`, skip the restart.

## Restart

Restart it; this takes a few seconds.

\`\`\`python {id=restart timeout=60 exit=0 cwd=/srv env.PGHOST=db1 env.PGPASSWORD=secret:pg_password}
import subprocess
subprocess.run(["systemctl", "restart", "pgbouncer"], check=True)
\`\`\`

## Health check

\`\`\`http {id=check timeout=10 status=200 contains="ok"}
GET http://\${host}:8080/health
Accept: text/plain
Authorization: secret:health_token
\`\`\`

## Wait for the alerts to clear

\`\`\`wait {seconds=300 until=alerts_resolved}
\`\`\`

## Write it up {#write-up}

### What to include

- the time of the restart
- the output above
`;

describe('runbook markdown: a hand-written file', () => {
  it('parses every part the way the format says', () => {
    expect(parsed(handWritten)).toEqual({
      title: 'PgBouncer down',
      description: 'Clients get `connection refused` from port 6432. Work through the steps in order.',
      tags: ['postgres', 'pgbouncer'],
      service_ids: ['0190a5b2-0000-7000-8000-000000000001'],
      alert_labels: { alertname: 'PgBouncerDown', env: '*' },
      variables: [
        { name: 'host', description: 'The database host behind PgBouncer', default: 'db1.internal', required: false },
        { name: 'port', description: '', default: '6432', required: false },
        { name: 'ticket', description: '', default: null, required: true },
      ],
      steps: [
        {
          id: 'check-dashboards', kind: 'manual', title: 'Check the dashboards', command: null, http: null, wait: null,
          instructions: 'Open the **PgBouncer** dashboard and look at:\n\n1. active client connections\n2. the pool wait time\n\n'
            + '```promql\nsum(pgbouncer_pools_client_waiting_connections)\n```',
        },
        {
          id: 'status', kind: 'command', title: 'Is the process running?', http: null, wait: null,
          instructions: 'If it says `active (running)`, skip the restart.',
          command: command('systemctl status pgbouncer --no-pager'),
        },
        {
          id: 'restart', kind: 'command', title: 'Restart', http: null, wait: null,
          instructions: 'Restart it; this takes a few seconds.',
          command: {
            interpreter: 'python3', script: 'import subprocess\nsubprocess.run(["systemctl", "restart", "pgbouncer"], check=True)',
            working_dir: '/srv', timeout_seconds: 60, expected_exit_code: 0, env: { PGHOST: 'db1', PGPASSWORD: { secret: 'pg_password' } },
          },
        },
        {
          id: 'check', kind: 'http', title: 'Health check', instructions: '', command: null, wait: null,
          http: {
            method: 'GET', url: 'http://${host}:8080/health', headers: { Accept: 'text/plain', Authorization: { secret: 'health_token' } },
            body: null, expected_status: 200, body_contains: 'ok', timeout_seconds: 10,
          },
        },
        {
          kind: 'wait', title: 'Wait for the alerts to clear', instructions: '', command: null, http: null,
          wait: { seconds: 300, until: 'alerts_resolved', timeout_seconds: null },
        },
        {
          id: 'write-up', kind: 'manual', title: 'Write it up', command: null, http: null, wait: null,
          instructions: '### What to include\n\n- the time of the restart\n- the output above',
        },
      ],
    });
  });

  it('renders back to a text that is stable after one pass', () => {
    const once = renderProcedureMarkdown(parsed(handWritten));
    expect(renderProcedureMarkdown(parsed(once))).toBe(once);
    // The block moved below the text that followed it; the text stayed with its step.
    expect(once).toContain('## Is the process running?\n\nIf it says `active (running)`, skip the restart.\n\n```bash {id=status}\n');
  });

  it('takes the title from a # heading when the front matter has none, and CRLF line ends', () => {
    const p = parsed('# Disk full\r\n\r\nFree some space.\r\n\r\n## Look\r\n\r\n```sh\r\ndf -h\r\n```\r\n');
    expect(p.title).toBe('Disk full');
    expect(p.description).toBe('Free some space.');
    expect(p.steps).toEqual([{ kind: 'command', title: 'Look', instructions: '', command: { ...command('df -h'), interpreter: 'sh' }, http: null, wait: null }]);
  });
});

describe('runbook markdown: code blocks', () => {
  it('keeps blocks of unknown languages, indented blocks and all but the last known block in the instructions', () => {
    const p = parsed([
      '---', 'title: T', '---',
      '## Step',
      '```yaml', 'key: value', '```',
      '```bash', 'echo first', '```',
      '1. In a list:',
      '   ```bash', '   echo nested', '   ```',
      '```', 'no language', '```',
      '~~~sh {id=real}', 'echo last', '~~~',
      '```json', '{"after": true}', '```',
    ].join('\n'));
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]).toMatchObject({ id: 'real', kind: 'command', command: { interpreter: 'sh', script: 'echo last' } });
    expect(p.steps[0]!.instructions).toBe([
      '```yaml', 'key: value', '```',
      '```bash', 'echo first', '```',
      '1. In a list:',
      '   ```bash', '   echo nested', '   ```',
      '```', 'no language', '```',
      '',
      '```json', '{"after": true}', '```',
    ].join('\n'));
  });

  it('does not start a step at a ## line inside a code block', () => {
    const p = parsed('---\ntitle: T\n---\n## One\n\n```bash\ncat <<EOF\n## not a heading\nEOF\n```\n\n## Two\n');
    expect(p.steps.map((s) => s.title)).toEqual(['One', 'Two']);
    expect(p.steps[0]!.command!.script).toBe('cat <<EOF\n## not a heading\nEOF');
  });

  it('reads a script holding ``` inside a longer fence, and renders one the same way', () => {
    const script = 'cat > README.md <<\'EOF\'\n```bash\nmake\n```\nEOF';
    const p = parsed(`---\ntitle: T\n---\n## Write\n\n\`\`\`\`bash\n${script}\n\`\`\`\`\n`);
    expect(p.steps[0]!.command!.script).toBe(script);
    const text = renderProcedureMarkdown(p);
    expect(text).toContain(`\`\`\`\`bash\n${script}\n\`\`\`\`\n`);
    expect(parsed(text)).toEqual(p);
  });
});

describe('runbook markdown: errors carry line numbers', () => {
  it('reports a YAML syntax error on its line in the file', () => {
    const errors = errorsOf('---\ntitle: T\ntags: [a, b\nservices: []\n---\n## S\n');
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.line).toBeGreaterThanOrEqual(3);
      expect(error.line).toBeLessThanOrEqual(5);
      expect(error.message).toMatch(/^front matter: /);
    }
  });

  it('reports bad front matter keys and values on their lines', () => {
    expect(errorsOf('---\ntitle: T\nservice: [a]\nalert_labels:\n  alertname: *\n---\n')).toEqual([
      expect.objectContaining({ line: 5 }),
    ]);
    expect(errorsOf('---\ntitle: T\nservice: [a]\n---\n')).toEqual([
      { line: 3, message: 'front matter: unknown key "service" (expected title, description, tags, services, alert_labels, variables)' },
    ]);
    expect(errorsOf('---\ntitle: T\ntags: urgent\nvariables:\n  - name: Host\n  - name: ok\n    required: maybe\n---\n')).toEqual([
      { line: 3, message: 'front matter: tags must be a list' },
      { line: 5, message: expect.stringContaining('variable name "Host"') },
      { line: 7, message: 'front matter: required must be true or false' },
    ]);
    expect(errorsOf('---\ntitle: T\n## S\n')).toEqual([{ line: 1, message: expect.stringContaining('never closed') }]);
    expect(errorsOf('## S\n')).toEqual([{ line: 1, message: expect.stringContaining('needs a title') }]);
  });

  it('reports bad blocks, attributes and duplicate ids on their lines', () => {
    const errors = errorsOf([
      '---', 'title: T', '---', // 1-3
      '## A {#same}', // 4
      '## B', // 5
      '```bash {id=same timeout=0 colour=red env.NIGHTSHIFT_X=1 env.lower=1}', // 6
      'true', '```', // 7-8
      '## C', // 9
      '```http', // 10
      'GET http://x/', // 11
      'not a header', // 12
      '```', // 13
      '## D', // 14
      '```wait', '```', // 15-16
      '## E', // 17
      '```sh', 'never closed', // 18-19
    ].join('\n'));
    expect(errors).toEqual([{ line: 18, message: expect.stringContaining('never closed') }]);

    const rest = errorsOf([
      '---', 'title: T', '---',
      '## A {#same}',
      '## B',
      '```bash {id=same timeout=0 colour=red env.NIGHTSHIFT_X=1 env.lower=1}',
      'true', '```',
      '## C',
      '```http',
      'GET http://x/',
      'not a header',
      '```',
      '## D',
      '```wait', '```',
      '## E {#Bad_Id}',
    ].join('\n'));
    expect(rest).toEqual([
      { line: 5, message: 'step id "same" is already used by the step on line 4' },
      { line: 6, message: expect.stringContaining('unknown attribute "colour" on a bash block') },
      { line: 6, message: 'timeout must be a whole number from 1 to 86400' },
      { line: 6, message: 'env.NIGHTSHIFT_X: NIGHTSHIFT_* variables are set by the server' },
      { line: 6, message: expect.stringContaining('env.lower') },
      { line: 12, message: expect.stringContaining('expected a header line') },
      { line: 15, message: expect.stringContaining('a wait block needs seconds') },
      { line: 17, message: expect.stringContaining('step id "Bad_Id"') },
    ]);
  });
});
