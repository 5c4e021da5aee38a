import { replaceEqualDeep, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { toApiError } from '../../api/errors';
import { incidentKeys } from '../incidents/open-incidents';
import { incidentQueryKeys } from '../incidents/queries';
import { PAGE_SIZE, usePagedList } from '../../lib/paged-list';
import { isFinished } from './model';
import type { Execution, ExecutionListQuery, ExecutionPatch, ExecuteInput, Procedure, ProcedureInput, ProcedurePatch, ProcedureSummary } from './types';

export interface RunbookFilters {
  search: string;
  tag: string;
}

export const runbookKeys = {
  all: ['runbooks'] as const,
  lists: () => [...runbookKeys.all, 'list'] as const,
  list: (filters: RunbookFilters) => [...runbookKeys.lists(), filters] as const,
  tags: () => [...runbookKeys.all, 'tags'] as const,
  detail: (id: string, version?: number) => [...runbookKeys.all, 'detail', id, version ?? 'latest'] as const,
  versions: (id: string) => [...runbookKeys.all, 'versions', id] as const,
  markdown: (id: string, version: number) => [...runbookKeys.all, 'markdown', id, version] as const,
  suggested: (incidentId: string) => [...runbookKeys.all, 'suggested', incidentId] as const,
};

export const executionKeys = {
  all: ['executions'] as const,
  lists: () => [...executionKeys.all, 'list'] as const,
  list: (filters: Pick<ExecutionListQuery, 'procedure_id' | 'incident_id' | 'status'>) => [...executionKeys.lists(), filters] as const,
  detail: (id: string) => [...executionKeys.all, 'detail', id] as const,
};

export function useRunbookList(filters: RunbookFilters) {
  return usePagedList<ProcedureSummary>(runbookKeys.list(filters), (offset, signal) => {
    const query: { search?: string; tag?: string; limit: number; offset: number } = { limit: PAGE_SIZE, offset };
    if (filters.search) query.search = filters.search;
    if (filters.tag) query.tag = filters.tag;
    return unwrap(api.GET('/api/v1/procedures', { params: { query }, signal }));
  });
}

/** The hundred most recently changed runbooks: the tags in use, and choices for starting one. */
function useRunbookIndex() {
  return useQuery({
    queryKey: runbookKeys.tags(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/procedures', { params: { query: { limit: PAGE_SIZE } }, signal })),
    staleTime: 60_000,
  });
}

export function useRunbookTags(): string[] {
  const index = useRunbookIndex();
  return [...new Set((index.data?.data ?? []).flatMap((p) => p.tags))].sort((a, b) => a.localeCompare(b));
}

export function useRunbookOptions(): { value: string; label: string }[] {
  const index = useRunbookIndex();
  return (index.data?.data ?? []).map((p) => ({ value: p.id, label: p.title })).sort((a, b) => a.label.localeCompare(b.label));
}

export function useRunbook(id: string, version?: number) {
  return useQuery({
    queryKey: runbookKeys.detail(id, version),
    enabled: id !== '',
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/procedures/{id}', { params: { path: { id }, query: version === undefined ? {} : { version } }, signal })),
  });
}

export function useRunbookVersions(id: string) {
  return useQuery({
    queryKey: runbookKeys.versions(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/procedures/{id}/versions', { params: { path: { id }, query: { limit: 100 } }, signal })),
  });
}

/** A version as the Markdown the export route writes; the same text a diff compares. */
export async function fetchRunbookMarkdown(id: string, version?: number, signal?: AbortSignal): Promise<{ text: string; filename: string }> {
  const query = version === undefined ? '' : `?version=${version}`;
  const response = await fetch(`/api/v1/procedures/${encodeURIComponent(id)}/export${query}`, { credentials: 'same-origin', headers: { accept: 'text/markdown' }, signal: signal ?? null });
  if (!response.ok) throw toApiError(await response.json().catch(() => undefined), response);
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'runbook.md';
  return { text: await response.text(), filename };
}

export function useRunbookMarkdown(id: string, version: number | undefined) {
  return useQuery({
    queryKey: runbookKeys.markdown(id, version ?? 0),
    enabled: version !== undefined,
    // A version never changes once written.
    staleTime: Infinity,
    queryFn: async ({ signal }) => (await fetchRunbookMarkdown(id, version, signal)).text,
  });
}

export function useSuggestedRunbooks(incidentId: string) {
  return useQuery({
    queryKey: runbookKeys.suggested(incidentId),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/procedures/suggested', { params: { query: { incident_id: incidentId } }, signal })),
  });
}

function useRunbookChanged() {
  const client = useQueryClient();
  return (procedure?: Procedure) => {
    if (procedure) client.setQueryData(runbookKeys.detail(procedure.id), procedure);
    return client.invalidateQueries({ queryKey: runbookKeys.all, predicate: (query) => query.queryKey[1] !== 'detail' && query.queryKey[1] !== 'markdown' });
  };
}

export function useCreateRunbook() {
  const changed = useRunbookChanged();
  return useMutation({
    mutationFn: (body: ProcedureInput) => unwrap(api.POST('/api/v1/procedures', { body })),
    onSuccess: (procedure) => changed(procedure),
  });
}

export function useSaveRunbook(id: string) {
  const changed = useRunbookChanged();
  return useMutation({
    mutationFn: (body: ProcedurePatch) => unwrap(api.PATCH('/api/v1/procedures/{id}', { params: { path: { id } }, body })),
    onSuccess: (procedure) => changed(procedure),
  });
}

export function useDeleteRunbook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/procedures/{id}', { params: { path: { id } } })),
    onSuccess: (_data, id) => {
      client.removeQueries({ queryKey: [...runbookKeys.all, 'detail', id] });
      return client.invalidateQueries({ queryKey: runbookKeys.all });
    },
  });
}

/** A Markdown file as a new runbook, or as a new version of `procedureId`. */
export function useImportRunbook() {
  const changed = useRunbookChanged();
  return useMutation({
    mutationFn: ({ markdown, procedureId }: { markdown: string; procedureId?: string }) =>
      unwrap(
        api.POST('/api/v1/procedures/import', {
          params: { query: procedureId ? { procedure_id: procedureId } : {} },
          body: markdown,
          bodySerializer: (body: string) => body,
          headers: { 'Content-Type': 'text/markdown; charset=utf-8' },
        }),
      ),
    onSuccess: (procedure) => changed(procedure),
  });
}

export function useExecutions(filters: Pick<ExecutionListQuery, 'procedure_id' | 'incident_id' | 'status'>, limit = 20) {
  return useQuery({
    queryKey: [...executionKeys.list(filters), limit],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/executions', { params: { query: { ...filters, limit } }, signal })),
  });
}

const updatedAt = (value: unknown) => (typeof value === 'object' && value !== null && 'updated_at' in value ? String(value.updated_at) : '');
/** Whether `next` is an older state of the execution than `current` (RFC 3339 UTC strings sort by time). */
export const isOlder = (next: unknown, current: unknown) => updatedAt(next) !== '' && updatedAt(current) !== '' && updatedAt(next) < updatedAt(current);

export function useExecution(id: string, refetchInterval: number | false = false) {
  return useQuery<Execution>({
    queryKey: executionKeys.detail(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/executions/{id}', { params: { path: { id } }, signal })),
    // A refetch that started before a live update must not put the older state back.
    structuralSharing: (old, next) => (isOlder(next, old) ? old : replaceEqualDeep(old, next)),
    refetchInterval: (query) => (refetchInterval && query.state.data && !isFinished(query.state.data.status) ? refetchInterval : false),
  });
}

/** Starting a runbook: an incident's page and lists show the new execution. */
export function useStartExecution() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ procedureId, body }: { procedureId: string; body: ExecuteInput }) =>
      unwrap(api.POST('/api/v1/procedures/{id}/execute', { params: { path: { id: procedureId } }, body })),
    onSuccess: (execution) => {
      client.setQueryData(executionKeys.detail(execution.id), execution);
      void client.invalidateQueries({ queryKey: executionKeys.lists() });
      if (execution.incident_id) void client.invalidateQueries({ queryKey: incidentKeys.all });
    },
  });
}

/**
 * A newer state of an execution, from an answer or the live connection: kept unless older than what
 * is shown, and the incident it belongs to (whose page lists its executions) is refetched when next seen.
 */
export function executionChanged(client: QueryClient, id: string, execution?: Execution): void {
  if (execution) {
    client.setQueryData<Execution>(executionKeys.detail(id), (current) => (isOlder(execution, current) ? current : execution));
    if (execution.incident_id) void client.invalidateQueries({ queryKey: incidentQueryKeys.detail(execution.incident_id) });
  } else {
    void client.invalidateQueries({ queryKey: executionKeys.detail(id) });
  }
  void client.invalidateQueries({ queryKey: executionKeys.lists() });
}

function useExecutionChanged(id: string) {
  const client = useQueryClient();
  return (execution?: Execution) => executionChanged(client, id, execution);
}

export function usePatchExecution(id: string) {
  const changed = useExecutionChanged(id);
  return useMutation({
    mutationFn: (body: ExecutionPatch) => unwrap(api.PATCH('/api/v1/executions/{id}', { params: { path: { id } }, body })),
    onSettled: (execution) => changed(execution),
  });
}

export function useRunStep(id: string) {
  const changed = useExecutionChanged(id);
  return useMutation({
    mutationFn: (step: string) => unwrap(api.POST('/api/v1/executions/{id}/steps/{step}/run', { params: { path: { id, step } }, body: {} })),
    // The answer is the step alone; the execution follows over the live connection, or by refetching.
    onSettled: () => changed(),
  });
}

export const stepOutputUrl = (executionId: string, stepId: string, attempt?: number) =>
  `/api/v1/executions/${encodeURIComponent(executionId)}/steps/${encodeURIComponent(stepId)}/output${attempt ? `?attempt=${attempt}` : ''}`;
