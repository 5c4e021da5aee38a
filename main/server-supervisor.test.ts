import { describe, expect, it, vi } from 'vitest';
import { createServerSupervisor, ServerStartError, type ServerChild, type SupervisorOptions, type Timers } from './server-supervisor';

class FakeChild implements ServerChild {
  readonly sent: unknown[] = [];
  killed = false;
  private readonly listeners = { message: [] as Array<(message: unknown) => void>, exit: [] as Array<(code: number) => void> };
  constructor(readonly port: number) {}
  postMessage(message: unknown) {
    this.sent.push(message);
  }
  kill() {
    this.killed = true;
    return true;
  }
  on(event: 'message' | 'exit', listener: (value: any) => void) {
    this.listeners[event].push(listener);
    return this;
  }
  send(message: unknown) {
    for (const listener of this.listeners.message) listener(message);
  }
  ready(port = this.port || 41234, bootstrapToken: string | null = 'boot-1') {
    this.send({ type: 'ready', url: `http://127.0.0.1:${port}`, ...(bootstrapToken === null ? {} : { bootstrapToken }) });
  }
  exit(code = 0) {
    for (const listener of this.listeners.exit) listener(code);
  }
}

/** A clock that moves only when the test says so. */
class ManualTimers implements Timers {
  now = 0;
  private pending = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  setTimeout(callback: () => void, ms: number) {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }
  advance(ms: number) {
    this.now += ms;
    for (const [id, timer] of [...this.pending]) {
      if (timer.at <= this.now) {
        this.pending.delete(id);
        timer.callback();
      }
    }
  }
  get count() {
    return this.pending.size;
  }
}

function setup(overrides: Partial<SupervisorOptions> = {}) {
  const children: FakeChild[] = [];
  const timers = new ManualTimers();
  const onRestarted = vi.fn();
  const onFailed = vi.fn();
  const supervisor = createServerSupervisor({
    fork: (port) => {
      const child = new FakeChild(port);
      children.push(child);
      return child;
    },
    timers,
    readyTimeoutMs: 1_000,
    shutdownTimeoutMs: 500,
    onRestarted,
    onFailed,
    ...overrides,
  });
  const child = (index: number) => children[index]!;
  return { supervisor, children, child, timers, onRestarted, onFailed };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('starting the server', () => {
  it('resolves with the URL, port and bootstrap token from the ready message', async () => {
    const { supervisor, child, timers } = setup();
    const started = supervisor.start();
    expect(child(0).port).toBe(0);
    child(0).ready(41234, 'boot-1');
    await expect(started).resolves.toEqual({ url: 'http://127.0.0.1:41234', port: 41234, bootstrapToken: 'boot-1' });
    expect(timers.count).toBe(0);
  });

  it('accepts a host that sends no bootstrap token', async () => {
    const { supervisor, child } = setup();
    const started = supervisor.start();
    child(0).ready(41234, null);
    await expect(started).resolves.toMatchObject({ bootstrapToken: null });
  });

  it('asks for the remembered port first', async () => {
    const { supervisor, child } = setup({ preferredPort: 45000 });
    const started = supervisor.start();
    expect(child(0).port).toBe(45000);
    child(0).ready(45000);
    await expect(started).resolves.toMatchObject({ port: 45000 });
  });

  it('falls back to any free port when the remembered one is taken', async () => {
    const { supervisor, children, child } = setup({ preferredPort: 45000 });
    const started = supervisor.start();
    child(0).send({ type: 'error', message: 'listen EADDRINUSE: address already in use 127.0.0.1:45000', code: 'EADDRINUSE' });
    await flush();
    expect(child(0).killed).toBe(true);
    expect(children).toHaveLength(2);
    expect(child(1).port).toBe(0);
    child(1).ready(41999);
    await expect(started).resolves.toMatchObject({ port: 41999 });
  });

  it('reports the host error and its code, and does not retry other errors', async () => {
    const { supervisor, children, child } = setup({ preferredPort: 45000 });
    const started = supervisor.start();
    child(0).send({ type: 'error', message: 'the data directory /d is in use by another Nightshift (pid 7)', code: null });
    const error = await started.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerStartError);
    expect(error).toMatchObject({ reason: 'error', code: null, message: expect.stringMatching(/in use by another Nightshift/) });
    expect(children).toHaveLength(1);
    expect(child(0).killed).toBe(true);
  });

  it('reports a port taken on a fresh start with its code', async () => {
    const { supervisor, child } = setup();
    const started = supervisor.start();
    child(0).send({ type: 'error', message: 'listen EADDRINUSE', code: 'EADDRINUSE' });
    await expect(started).rejects.toMatchObject({ reason: 'error', code: 'EADDRINUSE' });
  });

  it('times out, and kills the child, when no ready message comes', async () => {
    const { supervisor, child, timers } = setup();
    const started = supervisor.start();
    timers.advance(999);
    expect(child(0).killed).toBe(false);
    timers.advance(1);
    await expect(started).rejects.toMatchObject({ reason: 'timeout', message: 'the server did not start within 1 s' });
    expect(child(0).killed).toBe(true);
  });

  it('fails when the host exits before it is ready', async () => {
    const { supervisor, child, onRestarted } = setup();
    const started = supervisor.start();
    child(0).exit(1);
    await expect(started).rejects.toMatchObject({ reason: 'exited', message: expect.stringMatching(/code 1/) });
    expect(onRestarted).not.toHaveBeenCalled();
  });

  it('rejects an unusable ready message instead of loading it', async () => {
    for (const bad of [{ type: 'ready' }, { type: 'ready', url: 'file:///etc/passwd' }, { type: 'ready', url: 'not a url' }]) {
      const { supervisor, child } = setup();
      const started = supervisor.start();
      child(0).send(bad);
      await expect(started).rejects.toMatchObject({ reason: 'error', message: 'the server sent an unusable ready message' });
    }
  });

  it('ignores unrelated messages and late messages', async () => {
    const { supervisor, child } = setup();
    const started = supervisor.start();
    child(0).send('hello');
    child(0).send(null);
    child(0).send({ type: 'log' });
    child(0).ready(41234);
    child(0).send({ type: 'error', message: 'late' });
    await expect(started).resolves.toMatchObject({ port: 41234 });
    expect(child(0).killed).toBe(false);
  });
});

describe('restarting after a crash', () => {
  async function running() {
    const context = setup();
    const started = context.supervisor.start();
    context.child(0).ready(41234, 'boot-1');
    await started;
    return context;
  }

  it('restarts once on the same port and reports the new ready state', async () => {
    const { children, child, onRestarted, onFailed } = await running();
    child(0).exit(134);
    expect(children).toHaveLength(2);
    expect(child(1).port).toBe(41234);
    child(1).ready(41234, 'boot-2');
    await flush();
    expect(onRestarted).toHaveBeenCalledWith({ url: 'http://127.0.0.1:41234', port: 41234, bootstrapToken: 'boot-2' });
    expect(onFailed).not.toHaveBeenCalled();
  });

  it('gives up, without a third start, when the restarted server crashes too', async () => {
    const { children, child, onFailed } = await running();
    child(0).exit(134);
    child(1).ready(41234);
    await flush();
    child(1).exit(139);
    await flush();
    expect(children).toHaveLength(2);
    expect(onFailed).toHaveBeenCalledTimes(1);
    expect(onFailed.mock.calls[0]![0]).toMatchObject({ reason: 'crashed', message: expect.stringMatching(/code 139.*restarted once/) });
  });

  it('gives up when the restart itself fails', async () => {
    const { child, onFailed, onRestarted } = await running();
    child(0).exit(1);
    child(1).send({ type: 'error', message: 'listen EADDRINUSE', code: 'EADDRINUSE' });
    await flush();
    expect(onRestarted).not.toHaveBeenCalled();
    expect(onFailed).toHaveBeenCalledWith(expect.objectContaining({ reason: 'crashed', code: 'EADDRINUSE', message: expect.stringMatching(/could not be restarted: listen EADDRINUSE/) }));
  });

  it('gives up when the restart times out', async () => {
    const { child, timers, onFailed } = await running();
    child(0).exit(1);
    timers.advance(1_000);
    await flush();
    expect(child(1).killed).toBe(true);
    expect(onFailed).toHaveBeenCalledWith(expect.objectContaining({ reason: 'crashed', message: expect.stringMatching(/did not start within/) }));
  });
});

describe('stopping the server', () => {
  it('asks the running server to shut down and waits for it to exit', async () => {
    const { supervisor, child, onRestarted } = setup();
    const started = supervisor.start();
    child(0).ready(41234);
    await started;
    let stopped = false;
    const stopping = supervisor.stop().then(() => (stopped = true));
    expect(child(0).sent).toEqual([{ type: 'shutdown' }]);
    await flush();
    expect(stopped).toBe(false);
    child(0).exit(0);
    await stopping;
    expect(child(0).killed).toBe(false);
    expect(onRestarted).not.toHaveBeenCalled();
  });

  it('kills a server that does not exit in time, and does not restart it', async () => {
    const { supervisor, children, child, timers, onFailed } = setup();
    const started = supervisor.start();
    child(0).ready(41234);
    await started;
    const stopping = supervisor.stop();
    await flush();
    timers.advance(500);
    await stopping;
    expect(child(0).killed).toBe(true);
    child(0).exit(143);
    await flush();
    expect(children).toHaveLength(1);
    expect(onFailed).not.toHaveBeenCalled();
  });

  it('kills a server that is still starting, and the start reports it was stopped', async () => {
    const { supervisor, child } = setup();
    const started = supervisor.start();
    const stopping = supervisor.stop();
    expect(child(0).sent).toEqual([]);
    expect(child(0).killed).toBe(true);
    child(0).exit(143);
    await stopping;
    await expect(started).rejects.toMatchObject({ reason: 'stopped' });
  });

  it('does not fall back to another port while quitting', async () => {
    const { supervisor, children, child } = setup({ preferredPort: 45000 });
    const started = supervisor.start();
    const stopping = supervisor.stop();
    child(0).send({ type: 'error', message: 'listen EADDRINUSE', code: 'EADDRINUSE' });
    child(0).exit(1);
    await stopping;
    await expect(started).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(children).toHaveLength(1);
  });

  it('resolves at once when nothing runs', async () => {
    const { supervisor } = setup();
    await supervisor.stop();
  });
});
