export interface WaitSpec {
  seconds: number | null;
  until: 'incident_resolved' | 'alerts_resolved' | null;
  timeout_seconds: number | null;
}

export interface WaitOutcome {
  ok: boolean;
  reason: string | null;
}

/** How often a condition is looked at again. */
export const WAIT_POLL_MS = 2000;

const CONDITION_TEXT = { incident_resolved: 'the incident is resolved', alerts_resolved: 'every alert of the incident is resolved' } as const;

/**
 * A wait step. `seconds` alone: a pause. `until`: done as soon as the condition holds (looked at every
 * `pollMs`); with `seconds` too, done anyway once that long has passed; `timeout_seconds` reached first
 * fails the step. Stopping (the signal) ends it at once; the caller decides what that means.
 */
export function runWait(
  spec: WaitSpec,
  condition: (() => boolean) | null,
  output: { write(text: string): unknown },
  signal: AbortSignal,
  pollMs = WAIT_POLL_MS,
): Promise<WaitOutcome> {
  return new Promise<WaitOutcome>((resolve) => {
    const started = Date.now();
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const settle = (outcome: WaitOutcome, line: string) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer); // intervals too
      signal.removeEventListener('abort', onAbort);
      output.write(`${line}\n`);
      resolve(outcome);
    };
    const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
    const onAbort = () => settle({ ok: false, reason: 'Stopped' }, `Stopped after ${elapsed()}`);
    signal.addEventListener('abort', onAbort);

    if (spec.until === null || condition === null) {
      const seconds = spec.seconds ?? 0;
      output.write(`Waiting ${seconds} s\n`);
      timers.push(setTimeout(() => settle({ ok: true, reason: null }, `Waited ${seconds} s`), seconds * 1000));
      if (signal.aborted) onAbort();
      return;
    }

    const text = CONDITION_TEXT[spec.until];
    output.write(`Waiting until ${text}${spec.seconds !== null ? ` (at most ${spec.seconds} s)` : ''}\n`);
    const check = () => {
      let met = false;
      try {
        met = condition();
      } catch {
        met = false; // e.g. the incident is gone: the condition cannot hold
      }
      if (met) settle({ ok: true, reason: null }, `Done after ${elapsed()}: ${text}`);
    };
    if (spec.seconds !== null) {
      const seconds = spec.seconds;
      timers.push(setTimeout(() => settle({ ok: true, reason: `Waited ${seconds} s; not yet: ${text}` }, `Waited ${seconds} s; not yet: ${text}`), seconds * 1000));
    }
    if (spec.timeout_seconds !== null) {
      const seconds = spec.timeout_seconds;
      timers.push(setTimeout(() => settle({ ok: false, reason: `Timed out after ${seconds} s waiting until ${text}` }, `Timed out after ${seconds} s`), seconds * 1000));
    }
    timers.push(setInterval(check, pollMs));
    check();
    if (signal.aborted) onAbort();
  });
}
