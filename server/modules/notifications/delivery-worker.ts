import type { Clock } from '../../lib/clock';
import type { DueDelivery, OutboundStore } from './outbound.store';
import type { Send } from './sender';
import { signedHeaders } from './signing';

/** 10 s, 20 s, 40 s … doubling to a 6 h ceiling; with 15 attempts a receiver has about 30 hours to come back. */
export const RETRY_BASE_SECONDS = 10;
export const RETRY_CAP_SECONDS = 6 * 3600;
export const MAX_ATTEMPTS = 15;
/** Delivered and failed deliveries are kept this long for people to inspect, then forgotten. */
export const KEEP_FINISHED_DAYS = 30;

export const retryDelaySeconds = (attemptsSoFar: number): number => Math.min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** (attemptsSoFar - 1));

export interface DeliveryWorkerDeps {
  store: OutboundStore;
  clock: Clock;
  send: Send;
  /** The secrets that sign an organization's deliveries at `at` (several during a rotation's grace). */
  secretsFor(orgId: string, at: Date): string[];
  onError(error: unknown): void;
  pollMs?: number;
  batchSize?: number;
}

/**
 * Sends what the outbox holds. Nothing is kept in memory between attempts: a delivery is a row,
 * written before its first attempt and updated after each, so a restarted server (or one that was
 * killed mid-request) picks up where the last one stopped; receivers de-duplicate on webhook-id.
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps) {
  const { store, clock, send } = deps;
  const batchSize = deps.batchSize ?? 20;
  const shutdown = new AbortController();
  let running: Promise<void> | null = null;
  let again = false;
  let lastPrune = 0;

  async function attempt(row: DueDelivery): Promise<void> {
    const at = clock.now();
    const headers = signedHeaders(deps.secretsFor(row.org_id, at), row.id, at, row.payload);
    const result = await send(row.url, headers, row.payload, shutdown.signal);
    // Cut short by shutdown: not the receiver's fault, and not an attempt; the next start sends it.
    if (shutdown.signal.aborted) return;
    const attempts = row.attempts + 1;
    const delivered = result.status !== null && result.status >= 200 && result.status < 300;
    const gaveUp = !delivered && attempts >= MAX_ATTEMPTS;
    store.recordAttempt({
      id: row.id,
      status: delivered ? 'delivered' : gaveUp ? 'failed' : 'pending',
      at: at.toISOString(),
      next_attempt_at: delivered || gaveUp ? null : new Date(at.getTime() + retryDelaySeconds(attempts) * 1000).toISOString(),
      status_code: result.status,
      error: delivered ? null : (result.error ?? `The endpoint answered ${result.status}`).slice(0, 500),
      delivered_at: delivered ? at.toISOString() : null,
    });
  }

  async function drain(): Promise<void> {
    while (!shutdown.signal.aborted) {
      const batch = store.due(clock.now().toISOString(), batchSize);
      if (batch.length === 0) return;
      await Promise.all(batch.map(attempt));
    }
  }

  function prune(): void {
    const now = clock.now().getTime();
    if (now - lastPrune < 3600_000) return;
    lastPrune = now;
    store.prune(new Date(now - KEEP_FINISHED_DAYS * 86_400_000).toISOString());
  }

  /** Sends whatever is due now; calls while a pass runs make it look once more when done. */
  function wake(): void {
    if (shutdown.signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await drain();
      } while (again && !shutdown.signal.aborted);
    })()
      .catch(deps.onError)
      .finally(() => {
        running = null;
      });
  }

  // Retries come due with time, not with events: look every poll interval.
  const timer = setInterval(() => {
    try {
      prune();
    } catch (error) {
      deps.onError(error);
    }
    wake();
  }, deps.pollMs ?? 1000);
  timer.unref();
  setImmediate(wake);

  return {
    wake,
    /** Stops looking, aborts requests in flight (they stay pending) and waits for the pass to end. */
    async stop(): Promise<void> {
      clearInterval(timer);
      shutdown.abort();
      await running;
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
