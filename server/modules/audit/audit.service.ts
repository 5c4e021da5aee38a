import { Readable } from 'node:stream';
import type { RequestContext } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { withTotal } from '../../db/paging';
import { csvRow } from './csv';
import type { AuditFilter, AuditRow, AuditStore } from './audit.store';

const SENSITIVE_FIELD = /password|secret|token|hash|api_?key|private|credential/i;

export type FieldDiff = Record<string, { from: unknown; to: unknown } | { redacted: true }>;

export interface AuditEntry {
  orgId: string | null;
  action: string;
  resourceType: string;
  resourceId?: string | null;
  /** Before and after of an update; only the fields that changed are kept, sensitive ones redacted. */
  changes?: { before: Record<string, unknown>; after: Record<string, unknown> };
  /** Identifying fields of an object as it was before deletion. */
  snapshot?: Record<string, unknown>;
  /** Anything else worth keeping (never secrets). */
  details?: Record<string, unknown>;
  /** For calls made before anyone is authenticated (login, register). */
  actor?: { userId: string; email: string };
}

export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): { changed_fields: string[]; diff: FieldDiff } {
  const diff: FieldDiff = {};
  for (const field of Object.keys(after)) {
    if (after[field] === undefined || JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    diff[field] = SENSITIVE_FIELD.test(field) ? { redacted: true } : { from: before[field] ?? null, to: after[field] };
  }
  return { changed_fields: Object.keys(diff), diff };
}

function redact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, SENSITIVE_FIELD.test(k) ? '[redacted]' : v]));
}

export interface AuditEvent {
  id: string;
  created_at: string;
  org_id: string | null;
  action: string;
  resource: string;
  resource_type: string;
  resource_id: string | null;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_email: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  meta: Record<string, unknown>;
}

export function toEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    created_at: row.created_at,
    org_id: row.org_id,
    action: row.action,
    resource: row.resource_id ? `${row.resource_type}:${row.resource_id}` : row.resource_type,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    actor_user_id: row.actor_user_id,
    actor_token_id: row.actor_token_id,
    actor_email: row.actor_email,
    ip: row.ip,
    user_agent: row.user_agent,
    request_id: row.request_id,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
  };
}

const CSV_COLUMNS = [
  'id', 'created_at', 'action', 'resource', 'actor_user_id', 'actor_email', 'actor_token_id',
  'ip', 'user_agent', 'request_id', 'changed_fields', 'meta',
] as const;

const EXPORT_PAGE = 500;

export function createAuditLog(store: AuditStore, clock: Clock) {
  return {
    /** Call inside the transaction of the mutation it describes, so both land or neither does. */
    record(context: RequestContext, entry: AuditEntry): void {
      const principal = context.principal;
      const meta: Record<string, unknown> = { ip: context.ip, ua: context.userAgent };
      if (entry.changes) Object.assign(meta, diffFields(entry.changes.before, entry.changes.after));
      if (entry.snapshot) meta.snapshot = redact(entry.snapshot);
      if (entry.details) Object.assign(meta, redact(entry.details));
      store.insert({
        id: newId(),
        org_id: entry.orgId,
        created_at: clock.now().toISOString(),
        actor_user_id: entry.actor?.userId ?? principal?.userId ?? null,
        actor_token_id: principal?.token?.id ?? null,
        actor_email: entry.actor?.email ?? principal?.email ?? null,
        ip: context.ip,
        user_agent: context.userAgent,
        request_id: context.requestId,
        action: entry.action,
        resource_type: entry.resourceType,
        resource_id: entry.resourceId ?? null,
        meta: JSON.stringify(meta),
      });
    },

    list(filter: AuditFilter, limit: number, offset: number) {
      const { rows, total } = withTotal(store.list(filter, limit, offset), limit, offset, () => store.count(filter));
      return { data: rows.map(toEvent), total };
    },

    /** Streams the filtered log as CSV, a page of rows at a time; memory stays flat for any size. */
    csv(filter: AuditFilter, maxRows = Infinity): Readable {
      async function* rows() {
        yield csvRow([...CSV_COLUMNS]);
        let before = Number.MAX_SAFE_INTEGER;
        let sent = 0;
        while (sent < maxRows) {
          const page = store.pageBefore(filter, before, Math.min(EXPORT_PAGE, maxRows - sent));
          if (page.length === 0) return;
          let chunk = '';
          for (const row of page) {
            const event = toEvent(row);
            chunk += csvRow([
              event.id, event.created_at, event.action, event.resource, event.actor_user_id, event.actor_email,
              event.actor_token_id, event.ip, event.user_agent, event.request_id,
              ((event.meta.changed_fields as string[] | undefined) ?? []).join(' '), event.meta,
            ]);
          }
          sent += page.length;
          before = page[page.length - 1]!.seq;
          yield chunk;
          // Let other requests use the connection between pages.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      return Readable.from(rows(), { objectMode: false });
    },

    countForOrg: store.countForOrg,

    /** Deletes an organization's rows older than `days`, a batch at a time; returns how many went. */
    async purgeOlderThan(orgId: string, days: number): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - days * 86_400_000).toISOString();
      let removed = 0;
      for (;;) {
        const batch = store.purgeBatch(orgId, cutoff, 5_000);
        removed += batch;
        if (batch < 5_000) return removed;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
