import { clip, DESCRIPTION_MAX, fail, isObject, link, severityFrom, stringRecord, text, timestamp, TITLE_MAX } from './common';
import type { AlertStatus, NormalizedAlert, Parser, ParseResult } from './types';

/*
 * Nightshift's own JSON form for any sender: one alert, or `{alerts: [...]}`.
 *   { "title": "Disk full on db-1", "status": "firing" | "resolved", "severity": "critical",
 *     "description": "...", "dedup_key": "db-1/disk", "group_key": "db-1", "labels": {...},
 *     "links": [{"href": "https://...", "text": "Dashboard"}], "starts_at": "...", "ends_at": "...",
 *     "delivery_id": "..." }
 * Only `title` is required; `status` defaults to firing, `dedup_key` to the title.
 */

const STATUS_WORDS: Record<string, AlertStatus> = {
  firing: 'firing', fire: 'firing', triggered: 'firing', trigger: 'firing', alert: 'firing', alerting: 'firing',
  problem: 'firing', open: 'firing', active: 'firing',
  resolved: 'resolved', resolve: 'resolved', ok: 'resolved', recovered: 'resolved', closed: 'resolved', cleared: 'resolved', inactive: 'resolved',
};

function one(raw: unknown, path: string): NormalizedAlert {
  if (!isObject(raw)) fail(`${path} is not an object`);
  const title = text(raw.title) ?? text(raw.summary) ?? text(raw.name);
  if (!title) fail(`${path}.title is required`);
  const statusWord = text(raw.status)?.toLowerCase() ?? 'firing';
  const status = STATUS_WORDS[statusWord];
  if (!status) fail(`${path}.status "${statusWord}" is neither firing nor resolved`);
  const links = Array.isArray(raw.links)
    ? raw.links.flatMap((l) => (isObject(l) ? link(l.href ?? l.url, text(l.text) ?? text(l.title) ?? 'Link') : link(l, 'Link')))
    : link(raw.url, 'Link');
  const dedupKey = text(raw.dedup_key) ?? text(raw.fingerprint) ?? text(raw.id) ?? title;
  return {
    status,
    dedupKey,
    groupKey: text(raw.group_key) ?? null,
    title: clip(title, TITLE_MAX),
    description: clip(text(raw.description) ?? text(raw.message) ?? '', DESCRIPTION_MAX),
    severity: severityFrom(raw.severity),
    labels: stringRecord(raw.labels ?? raw.tags),
    links,
    startsAt: timestamp(raw.starts_at),
    endsAt: status === 'resolved' ? timestamp(raw.ends_at) : null,
  };
}

export const generic: Parser = {
  parse(body): ParseResult {
    if (!isObject(body)) fail('The body is not a JSON object');
    const deliveryId = text(body.delivery_id) ?? null;
    if (Array.isArray(body.alerts)) {
      if (body.alerts.length === 0) fail('"alerts" is empty');
      return { kind: 'alerts', alerts: body.alerts.map((a, i) => one(a, `alerts[${i}]`)), deliveryId };
    }
    return { kind: 'alerts', alerts: [one(body, '(body)')], deliveryId };
  },
  sample: (status, now, key) => ({
    contentType: 'application/json',
    body: JSON.stringify({
      title: 'Nightshift test alert',
      status,
      severity: 'medium',
      description: 'Sent from Nightshift to check this integration end to end.',
      dedup_key: key,
      labels: { source: 'nightshift-test' },
      starts_at: new Date(now.getTime() - 60_000).toISOString(),
      ...(status === 'resolved' ? { ends_at: now.toISOString() } : {}),
      delivery_id: `${key}-${status}-${now.getTime()}`,
    }),
  }),
};
