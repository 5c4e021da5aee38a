import { formatSeconds, INTERPRETER_LABELS, WAIT_UNTIL_LABELS, type ExecutionStatus } from './model';
import type { ExecutionStep } from './types';

export interface PrimaryAction {
  kind: 'run' | 'complete';
  /** The button's words: what will happen, in full (which script, which request). */
  label: string;
}

/** What Enter does to a step: run a pending command/HTTP/wait step, complete a pending manual one. */
export function primaryAction(step: ExecutionStep, status: ExecutionStatus): PrimaryAction | null {
  if (status !== 'running' || step.status !== 'pending') return null;
  switch (step.kind) {
    case 'manual':
      return { kind: 'complete', label: 'Mark done' };
    case 'command':
      return { kind: 'run', label: step.command ? `Run the ${INTERPRETER_LABELS[step.command.interpreter]} script on the server` : 'Run the script on the server' };
    case 'http':
      return { kind: 'run', label: step.http ? `Send ${step.http.method} ${step.http.url}` : 'Send the request' };
    case 'wait':
      return { kind: 'run', label: `Start waiting${waitWords(step)}` };
  }
}

export function waitWords(step: Pick<ExecutionStep, 'wait'>): string {
  const wait = step.wait;
  if (!wait) return '';
  if (wait.until) return ` until ${WAIT_UNTIL_LABELS[wait.until]}${wait.seconds ? ` (at most ${formatSeconds(wait.seconds)})` : ''}`;
  return wait.seconds ? ` ${formatSeconds(wait.seconds)}` : '';
}

const open = (status: ExecutionStatus) => status === 'running';
export const canSkip = (step: ExecutionStep, status: ExecutionStatus) => open(status) && ['pending', 'failed', 'interrupted'].includes(step.status);
export const canRetry = (step: ExecutionStep, status: ExecutionStatus) => open(status) && (step.status === 'failed' || step.status === 'interrupted');
export const canFail = (step: ExecutionStep, status: ExecutionStatus) => open(status) && step.kind === 'manual' && step.status === 'pending';
export const canStop = (step: ExecutionStep, status: ExecutionStatus) => open(status) && step.status === 'running';
/** A wait step may be ended early by hand. */
export const canEndWait = (step: ExecutionStep, status: ExecutionStatus) => open(status) && step.kind === 'wait' && step.status === 'running';

/** The step to look at first: the first one not done yet, else the last. */
export function currentStepIndex(steps: readonly Pick<ExecutionStep, 'status'>[]): number {
  const index = steps.findIndex((s) => s.status !== 'succeeded' && s.status !== 'skipped');
  return index === -1 ? Math.max(0, steps.length - 1) : index;
}
