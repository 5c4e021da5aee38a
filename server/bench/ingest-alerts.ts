/**
 * The alerts the ingest benchmark sends, built once before any load: one label set per alert, the
 * fingerprint Alertmanager itself computes for it, and the same alert in both wire formats (the
 * webhook payload version 4 Nightshift receives from an Alertmanager, and the `POST /api/v2/alerts`
 * body an Alertmanager receives from a Prometheus), one alert per request.
 */

export interface BenchAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint: string;
  group: string;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEPARATOR = 0xff;

/**
 * Alertmanager's alert identity (prometheus/common model.LabelSet.Fingerprint): FNV-1a 64 over the
 * label names in order, each name and value followed by the 0xff separator byte, as 16 hex digits.
 */
export function labelSetFingerprint(labels: Record<string, string>): string {
  let hash = FNV_OFFSET;
  const add = (byte: number) => {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const byte of Buffer.from(name, 'utf8')) add(byte);
    add(SEPARATOR);
    for (const byte of Buffer.from(labels[name]!, 'utf8')) add(byte);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}

/** `count` distinct alerts spread round-robin over `groups` alert groups; `series` keeps sets apart. */
export function makeAlerts(series: string, count: number, groups: number): BenchAlert[] {
  const alerts: BenchAlert[] = [];
  for (let i = 0; i < count; i++) {
    const group = `g${String(i % groups).padStart(3, '0')}`;
    const instance = `${series}-${String(i).padStart(6, '0')}:9100`;
    const labels = { alertname: 'NightshiftBenchIngest', group, instance, job: 'node', severity: 'warning', series };
    alerts.push({
      labels,
      annotations: {
        summary: `Disk almost full on ${instance}`,
        description: `Filesystem / on ${instance} has less than 10% space left (bench series ${series}, group ${group}).`,
        runbook_url: 'https://runbooks.example.com/disk-full',
      },
      fingerprint: labelSetFingerprint(labels),
      group,
    });
  }
  return alerts;
}

/** The group key Alertmanager puts in a notification for a route with `group_by: [group]`. */
export const groupKeyOf = (group: string) => `{}:{group="${group}"}`;

/** A webhook notification (payload version 4) carrying one firing alert, as Alertmanager sends it. */
export function webhookBody(alert: BenchAlert, startsAt: string): string {
  return JSON.stringify({
    version: '4',
    groupKey: groupKeyOf(alert.group),
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'nightshift',
    groupLabels: { group: alert.group },
    commonLabels: alert.labels,
    commonAnnotations: alert.annotations,
    externalURL: 'http://alertmanager.example.com:9093',
    alerts: [{
      status: 'firing',
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: `http://prometheus.example.com:9090/graph?g0.expr=disk_free%7Binstance%3D%22${encodeURIComponent(alert.labels.instance!)}%22%7D`,
      fingerprint: alert.fingerprint,
    }],
  });
}

/** The same alert as a Prometheus posts it to Alertmanager's `POST /api/v2/alerts`. */
export function alertmanagerBody(alert: BenchAlert, startsAt: string): string {
  return JSON.stringify([{
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt,
    generatorURL: `http://prometheus.example.com:9090/graph?g0.expr=disk_free%7Binstance%3D%22${encodeURIComponent(alert.labels.instance!)}%22%7D`,
  }]);
}
