import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { Transact } from '../../db/database';
import { AppError, notFound, type FieldError } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { Publish } from '../../realtime';
import type { AuditLog } from '../audit';
import { parseProcedureMarkdown, renderProcedureMarkdown } from './procedures.markdown';
import {
  DEFAULT_COMMAND_TIMEOUT, DEFAULT_HTTP_TIMEOUT, ProcedureDraftInput, RESERVED_ENV_PREFIX, STEP_KINDS,
  type ImportQuery, type Procedure, type ProcedureCreate, type ProcedureDraft, type ProcedureListQuery, type ProcedurePatch,
  type ProcedureSnapshot, type ProcedureSuggestion, type ProcedureSummary, type ProcedureVersion, type Step, type StepInput,
  type Variable, type VariableInput, type VersionListQuery,
} from './procedures.schemas';
import type { ProcedureRow, ProceduresStore, VersionRow } from './procedures.store';

/** The services a procedure may link to, looked up in the services module (wired in app.ts). */
export type ServiceLookup = (orgId: string, ids: readonly string[]) => Array<{ id: string; name: string }>;

/** What suggestions need to know of an incident (wired in app.ts from incidents and alerts); null when there is no such incident. */
export type IncidentContext = (orgId: string, incidentId: string) => {
  service_ids: string[];
  service_names: Record<string, string>;
  alert_labels: Record<string, string>[];
} | null;

const MAX_SUGGESTIONS = 20;

const versionConflict = (base: number, latest: number) =>
  new AppError('PROCEDURE_VERSION_CONFLICT', `This edit was made from version ${base}, but the procedure is at version ${latest} now`, [
    { path: 'base_version', code: 'stale', message: `The latest version is ${latest}` },
  ]);

const invalid = (fields: FieldError[]) =>
  new AppError('VALIDATION_FAILED', `Invalid procedure: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);

/** JSON with object keys sorted: two drafts that differ only in key order are the same draft. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `Restart PgBouncer!` → `restart-pgbouncer`, for an export's file name. */
export const slugOf = (title: string): string =>
  title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '') || 'runbook';

function looksLikeHttpUrl(url: string): boolean {
  // A URL built from variables at run time ({{base_url}}/health) is checked when it runs.
  if (url.includes('{{')) return true;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Fills every default of a draft and checks what the schema cannot say: the object matching each
 * step's kind (and only it), unique step ids and variable names, reserved environment names, a wait
 * with something to wait for. Steps without an id are numbered `step-N` by position, skipping ids taken.
 */
export function normalizeDraft(input: ProcedureDraftInput): ProcedureDraft {
  const errors: FieldError[] = [];
  const fail = (path: string, code: string, message: string) => errors.push({ path, code, message });

  const variables: Variable[] = (input.variables ?? []).map((v: VariableInput) => ({
    name: v.name, description: v.description ?? '', default: v.default ?? null, required: v.required ?? false,
  }));
  const names = new Set<string>();
  variables.forEach((v, i) => {
    if (names.has(v.name)) fail(`variables.${i}.name`, 'duplicate', `Variable "${v.name}" is defined twice`);
    names.add(v.name);
  });

  const inputs = input.steps ?? [];
  const taken = new Set<string>();
  inputs.forEach((s, i) => {
    if (s.id === undefined) return;
    if (taken.has(s.id)) fail(`steps.${i}.id`, 'duplicate', `Step id "${s.id}" is used twice`);
    taken.add(s.id);
  });
  let next = 1;
  const steps = inputs.map((s: StepInput, i): Step => {
    let id = s.id;
    if (id === undefined) {
      next = Math.max(next, i + 1);
      while (taken.has(`step-${next}`)) next++;
      id = `step-${next}`;
      taken.add(id);
    }
    const path = `steps.${i}`;
    for (const kind of STEP_KINDS) {
      if (kind === 'manual') continue;
      const spec = s[kind];
      if (kind === s.kind && (spec === undefined || spec === null)) fail(`${path}.${kind}`, 'required', `A ${kind} step needs its ${kind} object`);
      if (kind !== s.kind && spec !== undefined && spec !== null) fail(`${path}.${kind}`, 'not_allowed', `A ${s.kind} step has no ${kind} object (send null or leave it out)`);
    }
    const step: Step = { id, kind: s.kind, title: s.title, instructions: s.instructions ?? '', command: null, http: null, wait: null };
    if (s.kind === 'command' && s.command) {
      const c = s.command;
      const env = c.env ?? {};
      for (const name of Object.keys(env)) {
        if (name.startsWith(RESERVED_ENV_PREFIX)) fail(`${path}.command.env.${name}`, 'reserved_name', `${RESERVED_ENV_PREFIX}* variables are set by Nightshift`);
      }
      step.command = {
        interpreter: c.interpreter, script: c.script, working_dir: c.working_dir ?? null,
        timeout_seconds: c.timeout_seconds ?? DEFAULT_COMMAND_TIMEOUT, expected_exit_code: c.expected_exit_code ?? 0, env,
      };
    }
    if (s.kind === 'http' && s.http) {
      const h = s.http;
      if (!looksLikeHttpUrl(h.url)) fail(`${path}.http.url`, 'invalid_url', 'Must be an absolute http or https URL');
      step.http = {
        method: h.method ?? 'GET', url: h.url, headers: h.headers ?? {}, body: h.body ?? null,
        expected_status: h.expected_status ?? null, body_contains: h.body_contains ?? null, timeout_seconds: h.timeout_seconds ?? DEFAULT_HTTP_TIMEOUT,
      };
    }
    if (s.kind === 'wait' && s.wait) {
      const w = s.wait;
      if ((w.seconds ?? null) === null && (w.until ?? null) === null) fail(`${path}.wait`, 'required', 'A wait needs seconds, until, or both');
      step.wait = { seconds: w.seconds ?? null, until: w.until ?? null, timeout_seconds: w.timeout_seconds ?? null };
    }
    return step;
  });

  if (errors.length > 0) throw invalid(errors);
  return {
    title: input.title,
    description: input.description ?? '',
    tags: input.tags ?? [],
    service_ids: input.service_ids ?? [],
    alert_labels: input.alert_labels ?? {},
    variables,
    steps,
  };
}

// A markdown import never passed the route's schema: it is checked here, the same way.
let draftValidator: ReturnType<Ajv['compile']> | undefined;
function checkDraftSchema(draft: unknown): asserts draft is ProcedureDraftInput {
  draftValidator ??= addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: false })).compile(ProcedureDraftInput);
  if (draftValidator(draft)) return;
  const fields = (draftValidator.errors ?? []).map((e: ErrorObject): FieldError => {
    let path = e.instancePath.slice(1).replace(/\//g, '.');
    const child = (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? (e.params as { additionalProperty?: string }).additionalProperty;
    if (child) path = path ? `${path}.${child}` : child;
    return { path, code: e.keyword === 'required' ? 'required' : e.keyword === 'additionalProperties' ? 'unrecognized_key' : `invalid_${e.keyword}`, message: e.message ?? 'is invalid' };
  });
  const seen = new Set<string>();
  throw invalid(fields.filter((f) => !seen.has(`${f.path}|${f.code}`) && seen.add(`${f.path}|${f.code}`)));
}

const parse = <T>(json: string) => JSON.parse(json) as T;

const toSummary = (row: ProcedureRow): ProcedureSummary => ({
  id: row.id,
  title: row.title,
  description: row.description,
  tags: parse<string[]>(row.tags),
  service_ids: parse<string[]>(row.service_ids),
  alert_labels: parse<Record<string, string>>(row.alert_labels),
  version: row.latest_version,
  latest_version: row.latest_version,
  created_by: row.created_by,
  created_at: row.created_at,
  updated_by: row.updated_by,
  updated_at: row.updated_at,
  step_count: row.step_count,
});

const draftOf = (version: VersionRow): ProcedureDraft => ({
  title: version.title,
  description: version.description,
  tags: parse<string[]>(version.tags),
  service_ids: parse<string[]>(version.service_ids),
  alert_labels: parse<Record<string, string>>(version.alert_labels),
  variables: parse<Variable[]>(version.variables),
  steps: parse<Step[]>(version.steps),
});

/** The procedure as of one version: that version's fields; who last changed it and when are that version's author and time. */
const toProcedure = (row: ProcedureRow, version: VersionRow): Procedure => ({
  id: row.id,
  ...draftOf(version),
  version: version.version,
  latest_version: row.latest_version,
  created_by: row.created_by,
  created_at: row.created_at,
  updated_by: version.created_by,
  updated_at: version.created_at,
});

/** Audit diffs say what changed without copying scripts and markdown into the audit log. */
const auditable = (draft: ProcedureDraft, version: number) => ({
  title: draft.title,
  description_length: draft.description.length,
  tags: draft.tags,
  service_ids: draft.service_ids,
  alert_labels: draft.alert_labels,
  variables: draft.variables.map((v) => v.name),
  steps: draft.steps.map((s) => `${s.id} (${s.kind})`),
  procedure_version: version,
});

export function createProcedureService(deps: {
  store: ProceduresStore;
  services: ServiceLookup;
  audit: AuditLog;
  transact: Transact;
  clock: Clock;
  publish?: Publish;
  incidentContext?: IncidentContext;
}) {
  const { store, audit, transact, clock } = deps;

  function load(orgId: string, id: string): ProcedureRow {
    const row = store.get(orgId, id);
    if (!row) throw notFound('Procedure');
    return row;
  }

  function versionOf(row: ProcedureRow, version?: number): VersionRow {
    const found = store.version(row.id, version ?? row.latest_version);
    if (!found) throw notFound('Procedure version');
    return found;
  }

  function announce(orgId: string, event: 'procedure.created' | 'procedure.updated' | 'procedure.deleted', summary: ProcedureSummary): void {
    deps.publish?.(orgId, 'procedures', { event, data: summary });
  }

  /** Services newly linked must be the organization's; ids already linked stay even if their service was deleted since. */
  function checkServices(orgId: string, ids: readonly string[], already: readonly string[] = []): void {
    const added = ids.filter((id) => !already.includes(id));
    if (added.length === 0) return;
    const found = deps.services(orgId, added);
    const missing = added.filter((id) => !found.some((s) => s.id === id));
    if (missing.length > 0) {
      throw new AppError('VALIDATION_FAILED', `No such service in this organization: ${missing.join(', ')}`, missing.map((id) => ({
        path: `service_ids.${ids.indexOf(id)}`, code: 'unknown_service', message: `No such service: ${id}`,
      })));
    }
  }

  function writeVersion(orgId: string, procedureId: string, version: number, draft: ProcedureDraft, changeNote: string | null, userId: string, at: string): VersionRow {
    const row: VersionRow = {
      id: newId(), org_id: orgId, procedure_id: procedureId, version,
      title: draft.title, description: draft.description, tags: JSON.stringify(draft.tags), service_ids: JSON.stringify(draft.service_ids),
      alert_labels: JSON.stringify(draft.alert_labels), variables: JSON.stringify(draft.variables), steps: JSON.stringify(draft.steps),
      step_count: draft.steps.length, change_note: changeNote, created_by: userId, created_at: at,
    };
    store.insertVersion(row);
    return row;
  }

  function create(context: RequestContext, principal: Principal, draft: ProcedureDraft, changeNote: string | null, details: Record<string, unknown> = {}): Procedure {
    return transact(() => {
      const orgId = principal.orgId;
      checkServices(orgId, draft.service_ids);
      const at = clock.now().toISOString();
      const row: ProcedureRow = {
        id: newId(), org_id: orgId, title: draft.title, description: draft.description, tags: JSON.stringify(draft.tags),
        service_ids: JSON.stringify(draft.service_ids), alert_labels: JSON.stringify(draft.alert_labels), step_count: draft.steps.length,
        latest_version: 1, created_by: principal.userId, updated_by: principal.userId, created_at: at, updated_at: at,
      };
      store.insert(row);
      const version = writeVersion(orgId, row.id, 1, draft, changeNote, principal.userId, at);
      audit.record(context, {
        orgId, action: 'CREATE_PROCEDURE', resourceType: 'procedure', resourceId: row.id,
        details: { ...auditable(draft, 1), ...details },
      });
      announce(orgId, 'procedure.created', toSummary(row));
      return toProcedure(row, version);
    });
  }

  /** A new version when `changes` changes anything; the latest as it is otherwise. */
  function revise(
    context: RequestContext, principal: Principal, id: string,
    changes: Partial<ProcedureDraftInput>, options: { changeNote?: string; baseVersion?: number; details?: Record<string, unknown> },
  ): Procedure {
    return transact(() => {
      const orgId = principal.orgId;
      const before = load(orgId, id);
      if (options.baseVersion !== undefined && options.baseVersion !== before.latest_version) throw versionConflict(options.baseVersion, before.latest_version);
      const latest = versionOf(before);
      const current = draftOf(latest);
      const merged: ProcedureDraftInput = { ...current };
      for (const [field, value] of Object.entries(changes)) if (value !== undefined) (merged as Record<string, unknown>)[field] = value;
      const draft = normalizeDraft(merged);
      if (canonical(draft) === canonical(current)) return toProcedure(before, latest);
      checkServices(orgId, draft.service_ids, current.service_ids);

      const at = clock.now().toISOString();
      const number = before.latest_version + 1;
      const version = writeVersion(orgId, id, number, draft, options.changeNote ?? null, principal.userId, at);
      store.update({
        id, org_id: orgId, title: draft.title, description: draft.description, tags: JSON.stringify(draft.tags),
        service_ids: JSON.stringify(draft.service_ids), alert_labels: JSON.stringify(draft.alert_labels), step_count: draft.steps.length,
        latest_version: number, updated_by: principal.userId, updated_at: at,
      });
      const after = load(orgId, id);
      audit.record(context, {
        orgId, action: 'UPDATE_PROCEDURE', resourceType: 'procedure', resourceId: id,
        changes: { before: auditable(current, before.latest_version), after: auditable(draft, number) },
        details: { version: number, ...(options.changeNote ? { change_note: options.changeNote } : {}), ...(options.details ?? {}) },
      });
      announce(orgId, 'procedure.updated', toSummary(after));
      return toProcedure(after, version);
    });
  }

  /** A markdown file's draft, checked as strictly as a JSON body. */
  function draftFromMarkdown(text: string): ProcedureDraft {
    const parsed = parseProcedureMarkdown(text);
    if (!parsed.ok) {
      const fields = parsed.errors.map((e) => ({ path: `line:${e.line}`, code: 'invalid_markdown', message: e.message }));
      throw new AppError('INVALID_RUNBOOK_MARKDOWN', `The runbook could not be read: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
    }
    const draft: unknown = JSON.parse(JSON.stringify(parsed.procedure));
    checkDraftSchema(draft);
    return normalizeDraft(draft);
  }

  return {
    list(principal: Principal, query: ProcedureListQuery) {
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.list(
        { orgId: principal.orgId, words: query.search?.split(/\s+/).filter(Boolean), tag: query.tag, serviceId: query.service_id },
        limit,
        offset,
      );
      return { data: rows.map(toSummary), meta: { total, limit, offset } };
    },

    get(principal: Principal, id: string, version?: number): Procedure {
      const row = load(principal.orgId, id);
      return toProcedure(row, versionOf(row, version));
    },

    versions(principal: Principal, id: string, query: VersionListQuery): { data: ProcedureVersion[]; meta: { total: number; limit: number; offset: number } } {
      load(principal.orgId, id);
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.versions(id, limit, offset);
      return { data: rows.map((r) => ({ ...r })), meta: { total, limit, offset } };
    },

    create(context: RequestContext, principal: Principal, input: ProcedureCreate): Procedure {
      const { change_note: changeNote, ...draft } = input;
      return create(context, principal, normalizeDraft(draft), changeNote ?? null);
    },

    update(context: RequestContext, principal: Principal, id: string, input: ProcedurePatch): Procedure {
      const { change_note: changeNote, base_version: baseVersion, ...changes } = input;
      return revise(context, principal, id, changes, { changeNote, baseVersion });
    },

    remove(context: RequestContext, principal: Principal, id: string): void {
      transact(() => {
        const row = load(principal.orgId, id);
        store.remove(principal.orgId, id, clock.now().toISOString());
        audit.record(context, {
          orgId: principal.orgId, action: 'DELETE_PROCEDURE', resourceType: 'procedure', resourceId: id,
          snapshot: { title: row.title, latest_version: row.latest_version },
        });
        announce(principal.orgId, 'procedure.deleted', toSummary(row));
      });
    },

    /** `POST /procedures/import`: a new procedure, or with `procedure_id` a new version of it (whole: what the file leaves out is cleared). */
    importMarkdown(context: RequestContext, principal: Principal, text: string, query: ImportQuery): { created: boolean; procedure: Procedure } {
      const draft = draftFromMarkdown(text);
      if (query.procedure_id === undefined) return { created: true, procedure: create(context, principal, draft, 'Imported from Markdown', { source: 'markdown' }) };
      return {
        created: false,
        procedure: revise(context, principal, query.procedure_id, draft, { changeNote: 'Imported from Markdown', baseVersion: query.base_version, details: { source: 'markdown' } }),
      };
    },

    exportMarkdown(principal: Principal, id: string, version?: number): { filename: string; markdown: string } {
      const row = load(principal.orgId, id);
      const draft = draftOf(versionOf(row, version));
      return { filename: `${slugOf(draft.title)}.md`, markdown: renderProcedureMarkdown(draft) };
    },

    /** Procedures for an incident: linked to its services, or whose alert labels one of its alerts carries; the most specific first. */
    suggested(principal: Principal, incidentId: string): { data: ProcedureSuggestion[] } {
      const incident = deps.incidentContext?.(principal.orgId, incidentId) ?? null;
      if (!incident) throw notFound('Incident');
      const ranked = store.candidates(principal.orgId, incident.service_ids).flatMap((row) => {
        const summary = toSummary(row);
        const reasons: string[] = [];
        let specificity = 0;
        const matchers = Object.entries(summary.alert_labels);
        if (matchers.length > 0) {
          for (const labels of incident.alert_labels) {
            if (!matchers.every(([name, value]) => labels[name] !== undefined && (value === '*' || labels[name] === value))) continue;
            const reason = `alert: ${matchers.map(([name]) => `${name}=${labels[name]}`).join(', ')}`;
            if (!reasons.includes(reason)) reasons.push(reason);
            specificity = Math.max(specificity, matchers.reduce((n, [, value]) => n + (value === '*' ? 1 : 2), 0));
          }
        }
        const services = summary.service_ids.filter((id) => incident.service_ids.includes(id));
        for (const id of services) reasons.push(`service: ${incident.service_names[id] ?? id}`);
        if (reasons.length === 0) return [];
        return [{ suggestion: { ...summary, reasons }, score: specificity * 100 + services.length }];
      });
      ranked.sort((a, b) => b.score - a.score || b.suggestion.updated_at.localeCompare(a.suggestion.updated_at) || b.suggestion.id.localeCompare(a.suggestion.id));
      return { data: ranked.slice(0, MAX_SUGGESTIONS).map((r) => r.suggestion) };
    },

    /** For executions: one version's steps and variables, to pin; null when the procedure is deleted or has no such version. */
    snapshot(orgId: string, procedureId: string, version?: number): ProcedureSnapshot | null {
      const row = store.get(orgId, procedureId);
      if (!row) return null;
      const found = store.version(row.id, version ?? row.latest_version);
      if (!found) return null;
      const draft = draftOf(found);
      return { procedure_id: row.id, title: draft.title, version: found.version, steps: draft.steps, variables: draft.variables };
    },
  };
}

export type ProcedureService = ReturnType<typeof createProcedureService>;
