/**
 * Holds the server's bootstrap token until the renderer takes it. It is handed out once: a second
 * caller, or a page that loads later, gets null and has to sign in like anyone else.
 */
export interface OneTimeToken {
  /** Replaces the held token (a restarted server mints a new one). */
  offer(token: string | null): void;
  take(): string | null;
}

export function createOneTimeToken(): OneTimeToken {
  let held: string | null = null;
  return {
    offer(token) {
      held = token;
    },
    take() {
      const token = held;
      held = null;
      return token;
    },
  };
}
