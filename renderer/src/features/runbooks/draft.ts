import type { HttpMethod, Interpreter, StepKind, WaitUntil } from './model';
import type { EnvValue, Procedure, ProcedureInput, Step, StepInput } from './types';

/**
 * The editor's working copy of a runbook. Numbers stay strings while a person types them; every kind's
 * settings are kept while the kind select changes, so switching back loses nothing. `fromDraft` turns
 * it into the API's writable fields.
 */
export interface KeyValueRow {
  key: string;
  name: string;
  /** Env and headers: a literal value or the name of a secret. Alert labels use only 'value'. */
  source: 'value' | 'secret';
  value: string;
}

export interface VariableDraft {
  key: string;
  name: string;
  description: string;
  default: string;
  required: boolean;
}

export interface StepDraft {
  key: string;
  /** Empty: the server assigns `step-N`. */
  id: string;
  kind: StepKind;
  title: string;
  instructions: string;
  command: { interpreter: Interpreter; script: string; working_dir: string; timeout_seconds: string; expected_exit_code: string; env: KeyValueRow[] };
  http: { method: HttpMethod; url: string; headers: KeyValueRow[]; body: string; expected_status: string; body_contains: string; timeout_seconds: string };
  wait: { seconds: string; until: WaitUntil | ''; timeout_seconds: string };
}

export interface ProcedureDraftState {
  title: string;
  description: string;
  tags: string;
  service_ids: string[];
  alert_labels: KeyValueRow[];
  variables: VariableDraft[];
  steps: StepDraft[];
}

let nextKey = 0;
/** A React key for rows that have no id of their own yet. */
export const newKey = () => `k${++nextKey}`;

export const emptyRow = (): KeyValueRow => ({ key: newKey(), name: '', source: 'value', value: '' });

const rows = (record: Record<string, EnvValue> | undefined | null): KeyValueRow[] =>
  Object.entries(record ?? {}).map(([name, value]) =>
    typeof value === 'string' ? { key: newKey(), name, source: 'value', value } : { key: newKey(), name, source: 'secret', value: value.secret },
  );

const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

export function newStep(kind: StepKind = 'manual'): StepDraft {
  return {
    key: newKey(),
    id: '',
    kind,
    title: '',
    instructions: '',
    command: { interpreter: 'bash', script: '', working_dir: '', timeout_seconds: '300', expected_exit_code: '0', env: [] },
    http: { method: 'GET', url: '', headers: [], body: '', expected_status: '', body_contains: '', timeout_seconds: '30' },
    wait: { seconds: '', until: '', timeout_seconds: '' },
  };
}

export function stepToDraft(step: Step): StepDraft {
  const draft = newStep(step.kind);
  draft.id = step.id;
  draft.title = step.title;
  draft.instructions = step.instructions ?? '';
  if (step.command) {
    draft.command = {
      interpreter: step.command.interpreter,
      script: step.command.script,
      working_dir: step.command.working_dir ?? '',
      timeout_seconds: text(step.command.timeout_seconds ?? 300),
      expected_exit_code: text(step.command.expected_exit_code ?? 0),
      env: rows(step.command.env),
    };
  }
  if (step.http) {
    draft.http = {
      method: step.http.method,
      url: step.http.url,
      headers: rows(step.http.headers),
      body: step.http.body ?? '',
      expected_status: text(step.http.expected_status),
      body_contains: step.http.body_contains ?? '',
      timeout_seconds: text(step.http.timeout_seconds ?? 30),
    };
  }
  if (step.wait) draft.wait = { seconds: text(step.wait.seconds), until: step.wait.until ?? '', timeout_seconds: text(step.wait.timeout_seconds) };
  return draft;
}

export function emptyDraft(): ProcedureDraftState {
  return { title: '', description: '', tags: '', service_ids: [], alert_labels: [], variables: [], steps: [newStep('manual')] };
}

export function toDraft(procedure: Procedure): ProcedureDraftState {
  return {
    title: procedure.title,
    description: procedure.description,
    tags: procedure.tags.join(', '),
    service_ids: [...procedure.service_ids],
    alert_labels: rows(procedure.alert_labels),
    variables: procedure.variables.map((v) => ({ key: newKey(), name: v.name, description: v.description, default: v.default ?? '', required: v.required })),
    steps: procedure.steps.map(stepToDraft),
  };
}

export const parseTags = (value: string) => [...new Set(value.split(',').map((tag) => tag.trim()).filter(Boolean))];

/** An empty box is "not set"; anything else is the number typed (the server validates its range). */
const numberOr = <T>(value: string, empty: T): number | T => (value.trim() === '' ? empty : Number(value.trim()));

function record(list: KeyValueRow[]): Record<string, EnvValue> {
  const out: Record<string, EnvValue> = {};
  for (const row of list) {
    const name = row.name.trim();
    if (!name) continue;
    out[name] = row.source === 'secret' ? { secret: row.value.trim() } : row.value;
  }
  return out;
}

export function stepFromDraft(step: StepDraft): StepInput {
  // The server's own shape: the settings of the step's kind, null for the others.
  const base: StepInput = { kind: step.kind, title: step.title.trim(), instructions: step.instructions, command: null, http: null, wait: null };
  if (step.id.trim()) base.id = step.id.trim();
  switch (step.kind) {
    case 'command': {
      const c = step.command;
      base.command = {
        interpreter: c.interpreter,
        script: c.script,
        working_dir: c.working_dir.trim() || null,
        timeout_seconds: numberOr(c.timeout_seconds, 300),
        expected_exit_code: numberOr(c.expected_exit_code, 0),
        env: record(c.env),
      };
      break;
    }
    case 'http': {
      const h = step.http;
      base.http = {
        method: h.method,
        url: h.url.trim(),
        headers: record(h.headers),
        body: h.body === '' ? null : h.body,
        expected_status: numberOr(h.expected_status, null),
        body_contains: h.body_contains === '' ? null : h.body_contains,
        timeout_seconds: numberOr(h.timeout_seconds, 30),
      };
      break;
    }
    case 'wait': {
      const w = step.wait;
      base.wait = { seconds: numberOr(w.seconds, null), until: w.until || null, timeout_seconds: numberOr(w.timeout_seconds, null) };
      break;
    }
    case 'manual':
      break;
  }
  return base;
}

export function fromDraft(draft: ProcedureDraftState): ProcedureInput {
  const labels: Record<string, string> = {};
  for (const row of draft.alert_labels) if (row.name.trim()) labels[row.name.trim()] = row.value.trim();
  return {
    title: draft.title.trim(),
    description: draft.description,
    tags: parseTags(draft.tags),
    service_ids: [...draft.service_ids],
    alert_labels: labels,
    variables: draft.variables
      .filter((v) => v.name.trim())
      .map((v) => ({ name: v.name.trim(), description: v.description, default: v.default === '' ? null : v.default, required: v.required })),
    steps: draft.steps.map(stepFromDraft),
  };
}

/** Whether the draft differs from what was loaded: compared as the API would receive them. */
export function isDirty(draft: ProcedureDraftState, loaded: ProcedureDraftState): boolean {
  return JSON.stringify(fromDraft(draft)) !== JSON.stringify(fromDraft(loaded));
}

/** Moves the item at `index` by `by` places (−1 up, +1 down); out-of-range moves change nothing. */
export function move<T>(list: readonly T[], index: number, by: number): T[] {
  const to = index + by;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item!);
  return next;
}

/** Problems worth saying before a round trip; the server still has the last word. */
export function draftProblems(draft: ProcedureDraftState): string[] {
  const problems: string[] = [];
  if (!draft.title.trim()) problems.push('The runbook needs a title.');
  if (draft.steps.length === 0) problems.push('Add at least one step.');
  const ids = new Set<string>();
  draft.steps.forEach((step, index) => {
    const n = `Step ${index + 1}`;
    if (!step.title.trim()) problems.push(`${n} needs a title.`);
    const id = step.id.trim();
    if (id) {
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) problems.push(`${n}: the id may use lowercase letters, digits, - and _.`);
      if (ids.has(id)) problems.push(`${n}: the id ${id} is used twice.`);
      ids.add(id);
    }
    if (step.kind === 'command') {
      if (!step.command.script.trim()) problems.push(`${n} needs a script.`);
      for (const row of step.command.env) {
        const name = row.name.trim();
        if (name && (!/^[A-Z_][A-Z0-9_]*$/.test(name) || name.startsWith('NIGHTSHIFT_'))) problems.push(`${n}: ${name} is not an allowed variable name (A-Z, 0-9, _; not NIGHTSHIFT_…).`);
        if (name && row.source === 'secret' && !row.value.trim()) problems.push(`${n}: ${name} needs a secret name.`);
      }
    }
    if (step.kind === 'http' && !step.http.url.trim()) problems.push(`${n} needs a URL.`);
    if (step.kind === 'wait' && !step.wait.seconds.trim() && !step.wait.until) problems.push(`${n}: wait a number of seconds, until a condition, or both.`);
  });
  for (const variable of draft.variables) {
    const name = variable.name.trim();
    if (name && !/^[a-z][a-z0-9_]{0,63}$/.test(name)) problems.push(`Variable ${name}: lowercase letters, digits and _, starting with a letter.`);
  }
  return problems;
}
