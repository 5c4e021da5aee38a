/**
 * Starts the server host, restarts it once if it dies after starting, and stops it gracefully. Pure:
 * the fork function and the timers are injected, so every path is tested without Electron.
 */

/** What the supervisor needs of an Electron UtilityProcess. */
export interface ServerChild {
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

/** Forks the server host asking it to listen on `port` (0: any free port). */
export type ForkServer = (port: number) => ServerChild;

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ServerReady {
  url: string;
  port: number;
  /** One-time token the host minted for the desktop's local owner; null if the host sent none. */
  bootstrapToken: string | null;
}

export type ServerFailureReason = 'error' | 'exited' | 'timeout' | 'crashed' | 'stopped';

export class ServerStartError extends Error {
  constructor(
    readonly reason: ServerFailureReason,
    message: string,
    /** The host's error code (e.g. EADDRINUSE), when it sent one. */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ServerStartError';
  }
}

export interface SupervisorOptions {
  fork: ForkServer;
  timers: Timers;
  /** The port the last run listened on; kept so the app's origin (and its local storage) stays the same. */
  preferredPort?: number;
  readyTimeoutMs?: number;
  shutdownTimeoutMs?: number;
  /** The server died after starting and came back, on the same port. */
  onRestarted?(ready: ServerReady): void;
  /** The server died after starting and could not be brought back (or died again). */
  onFailed?(error: ServerStartError): void;
}

export interface ServerSupervisor {
  /** Resolves once the server listens; rejects with a ServerStartError if it cannot start. */
  start(): Promise<ServerReady>;
  /** Asks the server to close (finishing requests, checkpointing SQLite); kills it if it takes too long. */
  stop(): Promise<void>;
}

export const READY_TIMEOUT_MS = 30_000;
export const SHUTDOWN_TIMEOUT_MS = 5_000;
const MAX_RESTARTS = 1;

interface Running {
  child: ServerChild;
  exited: Promise<void>;
  /** Set while the child is meant to be going away, so its exit is not taken for a crash. */
  leaving: boolean;
  /** The port it listens on, once ready: a restart reuses it so the window's URL stays valid. */
  port?: number;
}

function parseReady(message: Record<string, unknown>): ServerReady | undefined {
  if (typeof message.url !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(message.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !url.port) return undefined;
  const token = message.bootstrapToken;
  return { url: message.url, port: Number(url.port), bootstrapToken: typeof token === 'string' && token ? token : null };
}

export function createServerSupervisor(options: SupervisorOptions): ServerSupervisor {
  const { fork, timers, readyTimeoutMs = READY_TIMEOUT_MS, shutdownTimeoutMs = SHUTDOWN_TIMEOUT_MS } = options;
  let current: Running | undefined;
  let restarts = 0;
  let stopping = false;

  const launch = (port: number): Promise<ServerReady> =>
    new Promise<ServerReady>((resolve, reject) => {
      const child = fork(port);
      let markExited!: () => void;
      const running: Running = { child, leaving: false, exited: new Promise<void>((done) => (markExited = done)) };
      current = running;
      let settled = false;
      const timer = timers.setTimeout(() => fail(new ServerStartError('timeout', `the server did not start within ${readyTimeoutMs / 1000} s`)), readyTimeoutMs);
      const fail = (error: ServerStartError) => {
        if (settled) return;
        settled = true;
        timers.clearTimeout(timer);
        running.leaving = true;
        child.kill();
        reject(error);
      };

      child.on('message', (message) => {
        if (settled || typeof message !== 'object' || message === null) return;
        const { type } = message as { type?: unknown };
        if (type === 'ready') {
          const ready = parseReady(message as Record<string, unknown>);
          if (!ready) return fail(new ServerStartError('error', 'the server sent an unusable ready message'));
          settled = true;
          timers.clearTimeout(timer);
          running.port = ready.port;
          resolve(ready);
        } else if (type === 'error') {
          const { message: text, code } = message as { message?: unknown; code?: unknown };
          fail(new ServerStartError('error', typeof text === 'string' ? text : 'the server failed to start', typeof code === 'string' ? code : null));
        }
      });
      child.on('exit', (code) => {
        markExited();
        if (current === running) current = undefined;
        if (!settled) {
          fail(new ServerStartError(stopping ? 'stopped' : 'exited', `the server exited (code ${code}) before it was ready`));
        } else if (!running.leaving && !stopping) {
          void recover(running.port ?? port, code);
        }
      });
      if (stopping) fail(new ServerStartError('stopped', 'the app is quitting'));
    });

  const recover = async (port: number, code: number) => {
    if (restarts >= MAX_RESTARTS) {
      options.onFailed?.(new ServerStartError('crashed', `the server stopped unexpectedly (code ${code}) after being restarted once`));
      return;
    }
    restarts += 1;
    try {
      options.onRestarted?.(await launch(port));
    } catch (error) {
      if ((error as ServerStartError).reason === 'stopped') return;
      const { message, code: hostCode } = error as ServerStartError;
      options.onFailed?.(new ServerStartError('crashed', `the server stopped unexpectedly and could not be restarted: ${message}`, hostCode));
    }
  };

  return {
    async start() {
      const preferred = options.preferredPort ?? 0;
      try {
        return await launch(preferred);
      } catch (error) {
        // The remembered port is only a preference: if something else took it, any port will do.
        if (preferred !== 0 && (error as ServerStartError).code === 'EADDRINUSE' && !stopping) return launch(0);
        throw error;
      }
    },

    async stop() {
      stopping = true;
      const running = current;
      if (!running) return;
      running.leaving = true;
      // The host listens for 'shutdown' only once it is up; one still starting has nothing to finish.
      if (running.port === undefined) running.child.kill();
      else running.child.postMessage({ type: 'shutdown' });
      let timer: unknown;
      const timedOut = new Promise<'timeout'>((done) => (timer = timers.setTimeout(() => done('timeout'), shutdownTimeoutMs)));
      const outcome = await Promise.race([running.exited, timedOut]);
      timers.clearTimeout(timer);
      if (outcome === 'timeout') running.child.kill();
    },
  };
}
