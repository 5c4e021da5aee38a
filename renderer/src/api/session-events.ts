type Listener = () => void;
const listeners = new Set<Listener>();

/** The API layer announces a lost session here; the app shell decides what the person sees. */
export function onSignedOut(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceSignedOut(): void {
  for (const listener of listeners) listener();
}
