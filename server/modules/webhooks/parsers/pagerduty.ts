import type { Severity } from '../../incidents';
import { clip, DESCRIPTION_MAX, fail, isObject, link, severityFrom, stringRecord, text, timestamp, TITLE_MAX } from './common';
import type { NormalizedAlert, Parser, ParseResult } from './types';

/*
 * PagerDuty's V3 webhook subscriptions: `{event: {id, event_type, resource_type, occurred_at, data}}`,
 * signed with X-PagerDuty-Signature (checked before parsing). An incident's `incident_key` is its dedup
 * key. Senders that speak PagerDuty's Events API v2 (`event_action`, `dedup_key`, `payload`) are
 * understood too, since many tools can only "send to PagerDuty".
 */

function prioritySeverity(summary: string | undefined): Severity | null {
  const match = /^P([1-5])$/i.exec(summary ?? '');
  if (!match) return null;
  return (['critical', 'high', 'medium', 'low', 'low'] as const)[Number(match[1]) - 1]!;
}

function v3(event: Record<string, unknown>): ParseResult {
  const eventType = text(event.event_type);
  if (!eventType) fail('event.event_type is missing');
  const deliveryId = text(event.id) ?? null;
  if (eventType === 'pagey.ping') return { kind: 'ignored', reason: 'PagerDuty ping', deliveryId };
  if (text(event.resource_type) !== 'incident' || !eventType.startsWith('incident.')) {
    return { kind: 'ignored', reason: `event ${eventType} is not about an incident`, deliveryId };
  }
  const data = event.data;
  if (!isObject(data) || !text(data.id)) fail('event.data is not a PagerDuty incident');
  const service = isObject(data.service) ? data.service : {};
  const priority = isObject(data.priority) ? text(data.priority.summary) : undefined;
  const resolved = text(data.status) === 'resolved' || eventType === 'incident.resolved';
  const labels: Record<string, string> = { pagerduty_incident: text(data.id)! };
  const number = text(data.number);
  if (number) labels.number = number;
  if (text(service.summary)) labels.service = text(service.summary)!;
  if (text(data.urgency)) labels.urgency = text(data.urgency)!;
  if (priority) labels.priority = priority;
  const alert: NormalizedAlert = {
    status: resolved ? 'resolved' : 'firing',
    dedupKey: text(data.incident_key) ?? text(data.id)!,
    groupKey: null,
    title: clip(text(data.title) ?? text(data.summary) ?? `PagerDuty incident ${number ?? text(data.id)}`, TITLE_MAX),
    description: clip([number ? `PagerDuty incident #${number}` : 'PagerDuty incident', text(service.summary) && `on ${text(service.summary)}`].filter(Boolean).join(' '), DESCRIPTION_MAX),
    severity: prioritySeverity(priority) ?? severityFrom(data.urgency),
    labels,
    links: link(data.html_url, 'PagerDuty'),
    startsAt: timestamp(data.created_at),
    endsAt: resolved ? timestamp(event.occurred_at) : null,
  };
  return { kind: 'alerts', alerts: [alert], deliveryId };
}

function eventsV2(body: Record<string, unknown>): ParseResult {
  const action = text(body.event_action);
  const payload = isObject(body.payload) ? body.payload : {};
  const dedupKey = text(body.dedup_key);
  if (action === 'acknowledge') return { kind: 'ignored', reason: 'acknowledge events change no alert state', deliveryId: null };
  if (action !== 'trigger' && action !== 'resolve') fail(`event_action must be trigger, acknowledge or resolve, not "${action}"`);
  if (action === 'resolve' && !dedupKey) fail('A resolve event needs its dedup_key');
  const summary = text(payload.summary);
  if (action === 'trigger' && !summary) fail('A trigger event needs payload.summary');
  const details = stringRecord(payload.custom_details);
  const labels: Record<string, string> = { ...details };
  for (const field of ['source', 'component', 'group', 'class'] as const) if (text(payload[field])) labels[field] = text(payload[field])!;
  const links = Array.isArray(body.links) ? body.links.flatMap((l) => (isObject(l) ? link(l.href, text(l.text) ?? 'Link') : [])) : [];
  return {
    kind: 'alerts',
    deliveryId: null,
    alerts: [{
      status: action === 'resolve' ? 'resolved' : 'firing',
      dedupKey: dedupKey ?? summary!,
      groupKey: null,
      title: clip(summary ?? dedupKey!, TITLE_MAX),
      description: clip(Object.entries(details).map(([k, v]) => `${k}: ${v}`).join('\n'), DESCRIPTION_MAX),
      severity: severityFrom(payload.severity),
      labels,
      links,
      startsAt: timestamp(payload.timestamp),
      endsAt: null,
    }],
  };
}

export const pagerduty: Parser = {
  parse(body): ParseResult {
    if (!isObject(body)) fail('The body is not a JSON object');
    if (isObject(body.event)) return v3(body.event);
    if (text(body.event_action)) return eventsV2(body);
    return fail('Neither a V3 webhook ("event" object) nor an Events API v2 event ("event_action")');
  },
  sample(status, now, key) {
    const resolved = status === 'resolved';
    return {
      contentType: 'application/json',
      body: JSON.stringify({
        event: {
          id: `${key}-${now.getTime()}`,
          event_type: resolved ? 'incident.resolved' : 'incident.triggered',
          resource_type: 'incident',
          occurred_at: now.toISOString(),
          agent: null,
          client: null,
          data: {
            id: 'PNSTEST',
            type: 'incident',
            self: 'https://api.pagerduty.com/incidents/PNSTEST',
            html_url: 'https://example.pagerduty.com/incidents/PNSTEST',
            number: 1,
            status: resolved ? 'resolved' : 'triggered',
            incident_key: key,
            created_at: new Date(now.getTime() - 60_000).toISOString(),
            title: 'Nightshift test alert',
            service: { id: 'PSERVICE', summary: 'Nightshift test', type: 'service_reference' },
            assignees: [],
            escalation_policy: { id: 'PPOLICY', summary: 'Default', type: 'escalation_policy_reference' },
            teams: [],
            priority: { id: 'PPRIO', summary: 'P3', type: 'priority_reference' },
            urgency: 'high',
            conference_bridge: null,
            resolve_reason: null,
          },
        },
      }),
    };
  },
};
