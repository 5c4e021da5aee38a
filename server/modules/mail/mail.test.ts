import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, register, startTestServer, type TestServer } from '../../testing/harness';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Python's own SMTP server prints every message it receives: a real SMTP peer, no mock. */
async function startSmtpSink(port: number): Promise<{ output: () => string; stop: () => void; process: ChildProcess }> {
  const child = spawn('python3', ['-W', 'ignore', '-u', '-m', 'smtpd', '-n', '-c', 'DebuggingServer', `127.0.0.1:${port}`]);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, '127.0.0.1');
      socket.on('listening', () => socket.close(() => resolve(false)));
      socket.on('error', () => resolve(true));
    });
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { output: () => output, stop: () => child.kill(), process: child };
}

async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('mail without SMTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.stop());

  it('keeps messages in the local outbox, readable by admins, and audits the read', async () => {
    const owner = await register(t.api);
    await call(t.api, 'POST', '/auth/password/reset', { body: { email: owner.email } });
    const outbox = await call(t.api, 'GET', '/admin/outbox', { token: owner.accessToken });
    expect(outbox.status).toBe(200);
    const reset = outbox.body.data.find((m: { subject: string }) => m.subject.includes('Reset'));
    expect(reset).toMatchObject({ recipient: owner.email, status: 'local' });
    expect(reset.body).toMatch(new RegExp(`${t.url}/reset-password\\?token=[A-Za-z0-9_-]{43}`));
    const audit = await call(t.api, 'GET', '/audit?action=READ_MAIL_OUTBOX', { token: owner.accessToken });
    expect(audit.body.meta.total).toBe(1);
  });
});

describe('mail with SMTP', () => {
  let t: TestServer;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    const port = await freePort();
    sink = await startSmtpSink(port);
    t = await startTestServer({ smtp: { host: '127.0.0.1', port, secure: false, from: 'nightshift@test.local' } });
  });
  afterAll(async () => {
    await t.stop();
    sink.stop();
  });

  it('delivers through the SMTP server and keeps no link in the outbox after delivery', async () => {
    const owner = await register(t.api);
    await call(t.api, 'POST', '/auth/password/reset', { body: { email: owner.email } });
    const output = await eventually(() => sink.output(), (text) => text.includes('Reset your Nightshift password'));
    expect(output).toContain(`To: ${owner.email}`);
    const outbox = await eventually(
      async () => (await call(t.api, 'GET', '/admin/outbox', { token: owner.accessToken })).body.data as { subject: string; status: string; body: string }[],
      (rows) => rows.every((r) => r.status === 'sent'),
    );
    const reset = outbox.find((m) => m.subject.includes('Reset'))!;
    expect(reset.status).toBe('sent');
    expect(reset.body).toBe('[delivered]');
    const ready = await call(t.url, 'GET', '/health/ready');
    expect(ready.body.checks.mail_outbox.status).toBe('ok');
  });
});
