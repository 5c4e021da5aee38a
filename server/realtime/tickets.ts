import type { Principal } from '../http/principal';
import type { Clock } from '../lib/clock';
import { randomToken, sha256 } from '../lib/secrets';

export const TICKET_TTL_SECONDS = 30;
const MAX_OUTSTANDING = 10_000;

interface Pending {
  principal: Principal;
  expiresAt: number;
}

/**
 * One-time tickets that open a WebSocket. A browser cannot set headers on a WebSocket, and a
 * long-lived token in a URL ends up in logs and history; a ticket is useless 30 s later or once used.
 * Kept hashed, in memory: a restart simply makes clients ask for a new one.
 */
export function createTickets(clock: Clock, ttlSeconds = TICKET_TTL_SECONDS) {
  const pending = new Map<string, Pending>();

  function sweep(now: number): void {
    for (const [key, entry] of pending) if (entry.expiresAt <= now) pending.delete(key);
    // Map order is insertion order: past the cap, the oldest go first.
    for (const key of pending.keys()) {
      if (pending.size < MAX_OUTSTANDING) break;
      pending.delete(key);
    }
  }

  return {
    issue(principal: Principal): { ticket: string; expiresAt: Date; expiresIn: number } {
      const now = clock.now().getTime();
      if (pending.size >= MAX_OUTSTANDING / 2) sweep(now);
      const ticket = randomToken();
      const expiresAt = now + ttlSeconds * 1000;
      pending.set(sha256(ticket), { principal, expiresAt });
      return { ticket, expiresAt: new Date(expiresAt), expiresIn: ttlSeconds };
    },

    /** The principal the ticket was issued to, once; null when unknown, used or expired. */
    redeem(ticket: string): Principal | null {
      const key = sha256(ticket);
      const entry = pending.get(key);
      pending.delete(key);
      if (!entry || entry.expiresAt <= clock.now().getTime()) return null;
      return entry.principal;
    },
  };
}

export type Tickets = ReturnType<typeof createTickets>;
