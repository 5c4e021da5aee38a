import type { Transact } from '../../db/database';
import { notFound } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { Publish } from '../../realtime';
import type { AuditLog } from '../audit';
import type { IncidentAlert, IncidentAlertPort, Severity } from '../incidents';
import type { IntegrationService, WebhookIntegration } from '../integrations';
import type { Alert, AlertInput, AlertListQuery, DeadLetter, DeliveryContent, IngestResult } from './alerts.schemas';
import type { AlertHead, AlertRefresh, AlertRow, AlertsStore } from './alerts.store';
import { groupCommit } from './group-commit';

const DEFAULT_SEVERITY: Severity = 'medium';
const DELIVERY_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const DEAD_LETTER_BODY_MAX = 64 * 1024;
/** Headers a dead letter keeps: anything that could carry a credential is left out. */
const SECRET_HEADER = /auth|cookie|secret|token|signature|key/i;

export const toIncidentAlert = (row: AlertRow): IncidentAlert => ({
  id: row.id,
  status: row.status,
  title: row.title,
  severity: row.severity,
  source: row.source,
  integration_id: row.integration_id,
  dedup_key: row.dedup_key,
  group_key: row.group_key,
  labels: JSON.parse(row.labels) as Record<string, string>,
  links: JSON.parse(row.links) as { href: string; text: string }[],
  starts_at: row.starts_at,
  ends_at: row.ends_at,
  received_at: row.received_at,
});

const toAlert = (row: AlertRow): Alert => ({
  ...toIncidentAlert(row),
  incident_id: row.incident_id,
  description: row.description,
  last_received_at: row.last_received_at,
});

/** Whether a notification would leave the stored alert as it is (but for when it was last received). */
const sameAlert = (head: AlertHead, next: AlertRefresh): boolean =>
  head.same_content === 1 && head.status === next.status && head.severity === next.severity && head.starts_at === next.starts_at && head.ends_at === next.ends_at;

/** The live event's alert, with the labels and links the sender sent rather than parsed back from the row. */
const toAlertOf = (row: AlertRow, alert: AlertInput): Alert => ({
  id: row.id,
  status: row.status,
  title: row.title,
  severity: row.severity,
  source: row.source,
  integration_id: row.integration_id,
  dedup_key: row.dedup_key,
  group_key: row.group_key,
  labels: alert.labels,
  links: alert.links,
  starts_at: row.starts_at,
  ends_at: row.ends_at,
  received_at: row.received_at,
  incident_id: row.incident_id,
  description: row.description,
  last_received_at: row.last_received_at,
});

/** The grouping key: the integration's label override when it has one, else the source's own, else the alert alone. */
function groupKeyOf(integration: WebhookIntegration, alert: AlertInput): string {
  if (integration.groupBy) return `labels:${integration.groupBy.map((name) => `${name}=${alert.labels[name] ?? ''}`).join(',')}`;
  return alert.groupKey ?? `alert:${alert.dedupKey}`;
}

/** One authenticated, parsed delivery waiting for its batch. */
interface Delivery {
  context: RequestContext;
  integration: WebhookIntegration;
  content: DeliveryContent;
  deliveryId: string | null;
  test: boolean;
}

export interface DeadLetterInput {
  platform: string;
  reason: string;
  message: string;
  contentType: string | null;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function createAlertService(deps: {
  store: AlertsStore;
  audit: AuditLog;
  transact: Transact;
  clock: Clock;
  incidents: IncidentAlertPort;
  integrations: IntegrationService;
  publish?: Publish;
}) {
  const { store, audit, transact, clock, incidents, integrations } = deps;
  let lastPurge = 0;

  function purgeOldDeliveries(now: Date): void {
    if (now.getTime() - lastPurge < 60 * 60 * 1000) return;
    lastPurge = now.getTime();
    store.purgeDeliveriesBefore(new Date(now.getTime() - DELIVERY_RETENTION_MS).toISOString());
  }

  /** Correlates a delivery's alerts into incidents (DESIGN.md §5); runs inside the ingest transaction. */
  function correlate(integration: WebhookIntegration, alerts: AlertInput[], now: string) {
    const orgId = integration.orgId;
    const open = new Map<string, boolean>();
    const isOpen = (incidentId: string): boolean => {
      let known = open.get(incidentId);
      if (known === undefined) {
        const status = incidents.statusOf(orgId, incidentId);
        known = status !== null && status !== 'resolved';
        open.set(incidentId, known);
      }
      return known;
    };
    const entry = (incidentId: string, row: AlertRow, kind: 'alert_firing' | 'alert_resolved', message: string) =>
      incidents.addTimelineEntry(orgId, incidentId, {
        kind, message, visibility: 'internal', at: now,
        data: { alert_id: row.id, dedup_key: row.dedup_key, source: row.source, integration_id: integration.id, integration_name: integration.name },
      });

    const results: IngestResult['alerts'] = [];
    const opened: string[] = [];
    const resolvedIn = new Set<string>();
    const changed: Alert[] = [];
    const announce = (row: AlertRow, alert: AlertInput) => changed.push(toAlertOf(row, alert));

    for (const alert of alerts) {
      const severity = alert.severity ?? integration.defaultSeverity ?? DEFAULT_SEVERITY;
      const fields = {
        status: alert.status,
        title: alert.title,
        description: alert.description,
        severity,
        labels: JSON.stringify(alert.labels),
        links: JSON.stringify(alert.links),
      };
      const latest = store.latestByDedup(integration.id, alert.dedupKey, fields);
      const current = latest && isOpen(latest.incident_id) ? latest : undefined;
      const result = (row: Pick<AlertRow, 'id' | 'incident_id'> | undefined, action: IngestResult['alerts'][number]['action']) =>
        results.push({ id: row?.id ?? null, dedup_key: alert.dedupKey, status: alert.status, incident_id: row?.incident_id ?? null, action });

      if (alert.status === 'firing') {
        if (current) {
          // Same occurrence again (a repeat notification, a retried delivery): refresh, say nothing new.
          const again = current.status === 'firing' && (alert.startsAt === null || alert.startsAt === current.starts_at);
          const refreshed = { ...fields, starts_at: alert.startsAt ?? current.starts_at, ends_at: null };
          let row: AlertRow;
          if (again && sameAlert(current, refreshed)) {
            // Nothing but the time it was last heard of: the one column that says so, no new version.
            store.touch(current.id, now);
            row = { ...current, ...refreshed, last_received_at: now };
          } else {
            store.refresh(current.id, refreshed, now);
            row = { ...current, ...refreshed, last_received_at: now, updated_at: now };
          }
          if (!again) entry(current.incident_id, row, 'alert_firing', `Alert firing again: ${alert.title}`);
          if (severity !== current.severity) incidents.raiseSeverity(orgId, current.incident_id, severity, now);
          announce(row, alert);
          result(row, again ? 'unchanged' : 'refired');
          continue;
        }
        // A new alert, or one whose incident is resolved: it joins its group's open incident or opens one.
        const groupKey = groupKeyOf(integration, alert);
        const groupIncident = store.latestIncidentInGroup(integration.id, groupKey);
        let incidentId = groupIncident && isOpen(groupIncident) ? groupIncident : undefined;
        const action = incidentId ? 'joined' : 'opened';
        if (incidentId) {
          incidents.raiseSeverity(orgId, incidentId, severity, now);
        } else {
          incidentId = incidents.openFromAlert(orgId, {
            title: alert.title, description: alert.description, severity, serviceId: integration.serviceId,
            source: integration.platform, integrationId: integration.id, at: now,
          }).id;
          open.set(incidentId, true);
          opened.push(incidentId);
        }
        const row: AlertRow = {
          id: newId(), org_id: orgId, integration_id: integration.id, incident_id: incidentId, source: integration.platform,
          dedup_key: alert.dedupKey, group_key: groupKey, ...fields, starts_at: alert.startsAt ?? now, ends_at: null,
          received_at: now, last_received_at: now, created_at: now, updated_at: now,
        };
        store.insert(row);
        entry(incidentId, row, 'alert_firing', `Alert firing: ${alert.title}`);
        announce(row, alert);
        result(row, action);
        continue;
      }

      // Resolved.
      if (!latest) {
        result(undefined, 'ignored');
        continue;
      }
      if (latest.status === 'resolved') {
        store.touch(latest.id, now);
        result(latest, 'unchanged');
        continue;
      }
      const refreshed = { ...fields, severity: latest.severity, starts_at: latest.starts_at, ends_at: alert.endsAt ?? now };
      store.refresh(latest.id, refreshed, now);
      const row: AlertRow = { ...latest, ...refreshed, last_received_at: now, updated_at: now };
      if (current) {
        entry(latest.incident_id, row, 'alert_resolved', `Alert resolved: ${alert.title}`);
        resolvedIn.add(latest.incident_id);
      }
      announce(row, alert);
      result(row, 'resolved');
    }

    // Checked once the whole delivery is in, so a payload that resolves one alert and fires another of
    // the same incident does not resolve it in between.
    const resolved: string[] = [];
    for (const incidentId of resolvedIn) {
      if (isOpen(incidentId) && store.firingCount(incidentId) === 0) {
        incidents.resolveFromAlerts(orgId, incidentId, now);
        resolved.push(incidentId);
      }
    }
    return { results, opened, resolved, changed };
  }

  /** One delivery, applied inside the batch's transaction (its own savepoint); returns the answer and when it was received. */
  function apply(item: Delivery): { result: IngestResult; at: string } {
    const { context, integration, content, deliveryId, test } = item;
    const at = clock.now().toISOString();
    if (deliveryId) {
      const previous = store.deliveryResponse(integration.id, deliveryId);
      if (previous) return { result: { ...(JSON.parse(previous) as IngestResult), duplicate: true }, at };
    }
    const result: IngestResult = {
      delivery_id: deliveryId, duplicate: false, accepted: 0, ignored: null, alerts: [], incidents_opened: [], incidents_resolved: [], subscription: null,
    };
    let changed: Alert[] = [];
    if (content.kind === 'alerts') {
      const outcome = correlate(integration, content.alerts, at);
      result.accepted = content.alerts.length;
      result.alerts = outcome.results;
      result.incidents_opened = outcome.opened;
      result.incidents_resolved = outcome.resolved;
      changed = outcome.changed;
    } else if (content.kind === 'ignored') {
      result.ignored = content.reason;
    } else {
      integrations.recordSubscription(context, integration, {
        type: content.type, topic_arn: content.topicArn, subscribe_url: content.subscribeUrl, message: content.message, received_at: at,
      });
      result.subscription = { topic_arn: content.topicArn, subscribe_url: content.subscribeUrl };
    }
    audit.record(context, {
      orgId: integration.orgId,
      action: test ? 'SEND_TEST_ALERT' : 'INGEST_ALERTS',
      resourceType: 'integration',
      resourceId: integration.id,
      details: {
        ...(test ? {} : { actor: `integration:${integration.id}` }),
        platform: integration.platform, delivery_id: deliveryId, kind: content.kind, alerts: result.accepted,
        incidents_opened: result.incidents_opened, incidents_resolved: result.incidents_resolved,
      },
    });
    if (deliveryId) store.recordDelivery(integration.id, deliveryId, at, JSON.stringify(result));
    for (const alert of changed) deps.publish?.(integration.orgId, 'alerts', { event: 'alert.received', data: alert });
    return { result, at };
  }

  // Deliveries arriving together share one transaction (each in its own savepoint) and one
  // "last received" write per integration; each sender is answered once it has committed.
  const submit = groupCommit<Delivery, { result: IngestResult; at: string }>({
    transact,
    apply,
    before: () => purgeOldDeliveries(clock.now()),
    finish(done) {
      const received = new Map<string, string>();
      for (const { item, result } of done) if (!result.result.duplicate) received.set(item.integration.id, result.at);
      for (const [integrationId, at] of received) integrations.markReceived(integrationId, at);
    },
  });

  return {
    /**
     * Takes one authenticated, parsed delivery: a retried delivery id answers as the first time and
     * changes nothing; otherwise alerts are correlated, the ingest audited (actor: the integration, or
     * the person sending a test) and `alert.received` published once it commits. Resolves once the
     * delivery is committed (with the others of its batch).
     */
    ingest(context: RequestContext, integration: WebhookIntegration, content: DeliveryContent, deliveryId: string | null, options: { test?: boolean } = {}): Promise<IngestResult> {
      return submit({ context, integration, content, deliveryId, test: options.test === true }).then(({ result }) => result);
    },

    /** Keeps a payload no parser understood, for an admin to see; never silently dropped. */
    deadLetter(context: RequestContext, integration: WebhookIntegration, input: DeadLetterInput): void {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(input.headers)) {
        if (value === undefined || SECRET_HEADER.test(name)) continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const truncated = input.body.length > DEAD_LETTER_BODY_MAX;
      const row = {
        id: newId(), org_id: integration.orgId, integration_id: integration.id, platform: input.platform, reason: input.reason,
        message: input.message.slice(0, 1000), content_type: input.contentType, headers: JSON.stringify(headers),
        body: input.body.subarray(0, DEAD_LETTER_BODY_MAX).toString('utf8'), body_bytes: input.body.length, truncated: truncated ? 1 : 0,
        request_id: context.requestId, received_at: clock.now().toISOString(),
      };
      transact(() => {
        store.insertDeadLetter(row);
        audit.record(context, {
          orgId: integration.orgId, action: 'WEBHOOK_DEAD_LETTER', resourceType: 'integration', resourceId: integration.id,
          details: { actor: `integration:${integration.id}`, platform: input.platform, reason: input.reason, message: row.message, dead_letter_id: row.id },
        });
        deps.publish?.(integration.orgId, 'alerts', {
          event: 'dead_letter.received', data: { id: row.id, integration_id: integration.id, reason: row.reason, message: row.message, received_at: row.received_at },
        });
      });
    },

    list(principal: Principal, query: AlertListQuery) {
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.list({
        orgId: principal.orgId, status: query.status, severity: query.severity, integrationId: query.integration_id, incidentId: query.incident_id,
      }, limit, offset);
      return { data: rows.map(toAlert), meta: { total, limit, offset } };
    },

    deadLetters(principal: Principal, integrationId: string, query: { limit?: number; offset?: number }) {
      if (!integrations.exists(principal.orgId, integrationId)) throw notFound('Integration');
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const { rows, total } = store.listDeadLetters(principal.orgId, integrationId, limit, offset);
      const data: DeadLetter[] = rows.map((row) => ({
        id: row.id, integration_id: row.integration_id, platform: row.platform, reason: row.reason, message: row.message,
        content_type: row.content_type, headers: JSON.parse(row.headers) as Record<string, string>, body: row.body, body_bytes: row.body_bytes,
        truncated: row.truncated === 1, request_id: row.request_id, received_at: row.received_at,
      }));
      return { data, meta: { total, limit, offset } };
    },

    /** For `GET /incidents/{id}`: the incident's alerts, oldest first. */
    alertsOf: (orgId: string, incidentId: string): IncidentAlert[] => store.ofIncident(orgId, incidentId).map(toIncidentAlert),
  };
}

export type AlertService = ReturnType<typeof createAlertService>;
