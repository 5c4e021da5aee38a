import type { Principal } from './principal';

const MAX_ENTRIES = 10_000;

/**
 * Remembers who a presented API key or session is, so an authenticated read does not go to the
 * database twice. Correctness rests on `invalidate()`: every change that can narrow or end access
 * (revoking a key or session, changing a role, removing a person, a new password) calls it, and the
 * whole cache is dropped — such changes are rare, and a wrong hit would be a security bug.
 */
export class CredentialCache {
  private entries = new Map<string, Principal>();
  private readonly listeners: (() => void)[] = [];

  get(key: string): Principal | undefined {
    return this.entries.get(key);
  }

  set(key: string, principal: Principal): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, principal);
  }

  readonly invalidate = (): void => {
    this.entries.clear();
    for (const listener of this.listeners) listener();
  };

  /** Others that hold on to access (open WebSockets) hear of every change too. */
  onInvalidate(listener: () => void): void {
    this.listeners.push(listener);
  }
}
