/** The runbook vocabularies (issue 5's contract) with the words the console shows for them. */
export const STEP_KINDS = ['manual', 'command', 'http', 'wait'] as const;
export const INTERPRETERS = ['bash', 'sh', 'python3', 'node'] as const;
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const WAIT_UNTIL = ['incident_resolved', 'alerts_resolved'] as const;
export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'interrupted'] as const;
export const EXECUTION_STATUSES = ['running', 'paused', 'completed', 'cancelled'] as const;

export type StepKind = (typeof STEP_KINDS)[number];
export type Interpreter = (typeof INTERPRETERS)[number];
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type WaitUntil = (typeof WAIT_UNTIL)[number];
export type StepStatus = (typeof STEP_STATUSES)[number];
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const KIND_LABELS: Record<StepKind, string> = { manual: 'Manual', command: 'Command', http: 'HTTP check', wait: 'Wait' };
export const INTERPRETER_LABELS: Record<Interpreter, string> = { bash: 'bash', sh: 'sh', python3: 'Python 3', node: 'Node.js' };
export const WAIT_UNTIL_LABELS: Record<WaitUntil, string> = { incident_resolved: 'the incident is resolved', alerts_resolved: "the incident's alerts are resolved" };

/** Monaco's language for an interpreter's scripts. */
export const editorLanguage = (interpreter: Interpreter) => (interpreter === 'python3' ? 'python' : interpreter === 'node' ? 'javascript' : 'shell');

/** A step's state in a word, and whether it is over. */
export const isDone = (status: StepStatus) => status === 'succeeded' || status === 'skipped';
export const isFinished = (status: ExecutionStatus) => status === 'completed' || status === 'cancelled';

/** A duration in seconds as people say it: 90 → "1 min 30 s". */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', s ? `${s} s` : ''].filter(Boolean).join(' ');
}
