import { clip, DESCRIPTION_MAX, fail, isObject, link, severityFrom, stringRecord, text, timestamp, TITLE_MAX } from './common';
import type { AlertLink, AlertStatus, NormalizedAlert, ParseResult } from './types';

/**
 * Alertmanager's webhook payload (version 4), which Prometheus, Grafana's unified alerting and SigNoz
 * all send: a group of alerts, each with its own status and fingerprint.
 */
export interface AlertmanagerFlavour {
  /** Links a platform adds to each alert from its own fields. */
  links?(alert: Record<string, unknown>, annotations: Record<string, string>): AlertLink[];
}

function fallbackFingerprint(labels: Record<string, string>): string {
  // Alertmanager hashes the sorted label set; without its fingerprint, the label set itself is the identity.
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

export function parseAlertmanagerPayload(body: unknown, flavour: AlertmanagerFlavour = {}): ParseResult {
  if (!isObject(body)) fail('The body is not a JSON object');
  if (!Array.isArray(body.alerts)) fail('No "alerts" array: not an Alertmanager webhook payload (version 4)');
  const groupKey = text(body.groupKey) ?? null;
  const externalUrl = body.externalURL;
  const alerts = body.alerts.map((raw, index): NormalizedAlert => {
    if (!isObject(raw)) fail(`alerts[${index}] is not an object`);
    const status = raw.status;
    if (status !== 'firing' && status !== 'resolved') fail(`alerts[${index}].status must be "firing" or "resolved"`);
    if (!isObject(raw.labels)) fail(`alerts[${index}].labels is missing`);
    const labels = stringRecord(raw.labels);
    const annotations = stringRecord(raw.annotations);
    const title = annotations.summary ?? annotations.title ?? labels.alertname ?? 'Alert';
    return {
      status: status as AlertStatus,
      dedupKey: text(raw.fingerprint) ?? fallbackFingerprint(labels),
      groupKey,
      title: clip(title, TITLE_MAX),
      description: clip(annotations.description ?? annotations.message ?? '', DESCRIPTION_MAX),
      severity: severityFrom(labels.severity) ?? severityFrom(labels.priority) ?? severityFrom(annotations.severity),
      labels,
      links: [
        ...link(raw.generatorURL, 'Source'),
        ...(flavour.links?.(raw, annotations) ?? []),
        ...link(annotations.runbook_url, 'Runbook'),
        ...link(externalUrl, 'Alertmanager'),
      ],
      startsAt: timestamp(raw.startsAt),
      endsAt: status === 'resolved' ? timestamp(raw.endsAt) : null,
    };
  });
  return { kind: 'alerts', alerts, deliveryId: null };
}

/** A version 4 payload with one alert, for test alerts. */
export function alertmanagerSample(status: AlertStatus, now: Date, key: string, extra: { receiver: string; externalURL: string; alert?: Record<string, unknown>; top?: Record<string, unknown> }) {
  const labels = { alertname: 'NightshiftTestAlert', severity: 'medium', source: 'nightshift-test' };
  const startsAt = new Date(now.getTime() - 60_000).toISOString();
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="NightshiftTestAlert",test="${key}"}`,
    truncatedAlerts: 0,
    status,
    receiver: extra.receiver,
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: { summary: 'Nightshift test alert' },
    externalURL: extra.externalURL,
    ...extra.top,
    alerts: [{
      status,
      labels,
      annotations: { summary: 'Nightshift test alert', description: 'Sent from Nightshift to check this integration end to end.' },
      startsAt,
      endsAt: status === 'resolved' ? now.toISOString() : '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint: key,
      ...extra.alert,
    }],
  });
}
