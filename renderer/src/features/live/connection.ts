export type LiveStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting';

export interface LiveEvent {
  topic: string;
  /** e.g. `incident.created` */
  event: string;
  data: unknown;
}

/** The part of the browser's WebSocket the connection uses (tests hand in a fake). */
export type SocketLike = Pick<WebSocket, 'readyState' | 'send' | 'close' | 'onmessage' | 'onclose'>;

export interface ConnectionDeps {
  /** A one-time ticket from POST /api/v1/ws/ticket. */
  fetchTicket(): Promise<string>;
  open(ticket: string): SocketLike;
  random?: () => number;
}

const OPEN = 1;
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 30_000;

/**
 * 1 s, 2 s, 4 s … capped at 30 s, each drawn from its upper half so that many consoles that lost the
 * same server do not all come back in the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

type Handler = (event: LiveEvent) => void;

/** The console's one WebSocket: authenticates with a ticket, reconnects with back-off, resubscribes. */
export class LiveConnection {
  private status: LiveStatus = 'idle';
  private running = false;
  private socket: SocketLike | null = null;
  private attempt = 0;
  /** Bumped by start() and stop(), so a ticket that arrives for an earlier session is ignored. */
  private generation = 0;
  private connectedBefore = false;
  /** The newest event number seen (the org's stream, all topics); a reconnect resumes after it. */
  private lastSeq: number | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly statusListeners = new Set<() => void>();
  private readonly resyncListeners = new Set<() => void>();

  constructor(private readonly deps: ConnectionDeps) {}

  getStatus = (): LiveStatus => this.status;

  onStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  /**
   * Called when events were missed and cannot be replayed (away too long, or the server restarted):
   * refetch what you show. A reconnect normally resumes instead, receiving what it missed.
   */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation++;
    this.connectedBefore = false;
    this.lastSeq = null;
    this.attempt = 0;
    void this.connect();
  }

  /** Signed out: close and stay closed until start(). Subscriptions are kept for the next session. */
  stop(): void {
    this.running = false;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'Signed out');
    this.setStatus('idle');
  }

  /** Skips the wait of a scheduled reconnect (e.g. the browser is back online). */
  retryNow(): void {
    if (!this.running || this.socket || this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.connect();
  }

  subscribe(topic: string, handler: Handler): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      this.handlers.set(topic, (set = new Set()));
      this.sendIfReady({ type: 'subscribe', topics: [topic] });
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size > 0 || this.handlers.get(topic) !== set) return;
      this.handlers.delete(topic);
      this.sendIfReady({ type: 'unsubscribe', topics: [topic] });
    };
  }

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    const generation = this.generation;
    this.setStatus(this.connectedBefore || this.attempt > 0 ? 'reconnecting' : 'connecting');
    let ticket: string;
    try {
      ticket = await this.deps.fetchTicket();
    } catch {
      // Signed out shows up here too; the app then calls stop(), which cancels this retry.
      if (generation === this.generation) this.scheduleRetry();
      return;
    }
    if (generation !== this.generation) return;
    let socket: SocketLike;
    try {
      socket = this.deps.open(ticket);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleRetry();
    };
  }

  private receive(raw: unknown): void {
    let message: { type?: string; topic?: string; event?: string; data?: unknown; seq?: unknown };
    try {
      message = JSON.parse(String(raw));
    } catch {
      return;
    }
    const seq = typeof message.seq === 'number' ? message.seq : null;
    if (message.type === 'ready') {
      this.attempt = 0;
      this.setStatus('connected');
      const topics = [...this.handlers.keys()];
      if (this.connectedBefore && this.lastSeq !== null) {
        // Subscribes and replays what was missed in one step, so nothing slips in between.
        this.sendIfReady({ type: 'resume', since: this.lastSeq, ...(topics.length ? { topics } : {}) });
      } else {
        if (topics.length) this.sendIfReady({ type: 'subscribe', topics });
        if (this.connectedBefore) this.resync();
        this.lastSeq = seq;
      }
      this.connectedBefore = true;
      return;
    }
    if (message.type === 'resync') {
      this.lastSeq = seq;
      this.resync();
      return;
    }
    if (message.type === 'resumed') {
      if (seq !== null && (this.lastSeq === null || seq > this.lastSeq)) this.lastSeq = seq;
      return;
    }
    // A stream message (e.g. a command's output) is unnumbered and never replayed: delivered as it comes.
    if ((message.type === 'event' || message.type === 'stream') && typeof message.topic === 'string' && typeof message.event === 'string') {
      if (message.type === 'event' && seq !== null) {
        if (this.lastSeq !== null && seq <= this.lastSeq) return; // already delivered
        this.lastSeq = seq;
      }
      const event: LiveEvent = { topic: message.topic, event: message.event, data: message.data };
      for (const handler of [...(this.handlers.get(message.topic) ?? [])]) handler(event);
    }
  }

  private resync(): void {
    for (const listener of [...this.resyncListeners]) listener();
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    this.setStatus('reconnecting');
    const delay = backoffDelay(this.attempt++, this.deps.random);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private sendIfReady(message: unknown): void {
    if (this.status === 'connected' && this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const listener of [...this.statusListeners]) listener();
  }
}
