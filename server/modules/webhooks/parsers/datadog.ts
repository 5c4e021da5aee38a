import type { Severity } from '../../incidents';
import { clip, DESCRIPTION_MAX, fail, isObject, link, severityFrom, text, timestamp, TITLE_MAX } from './common';
import type { AlertStatus, Parser, ParseResult } from './types';

/*
 * Datadog's Webhooks integration posts whatever template the user wrote, filled from its variables.
 * Two shapes are understood: the tile's default template (`id`, `title`, `body`, `event_type`, `date`,
 * `last_updated`, `org`), whose only state is the title's prefix ("[Triggered on {host:a}] …",
 * "[P1] [Recovered] …"), and the recommended one with `alert_id` ($ALERT_ID, the monitor),
 * `alert_transition`, `alert_scope`, `alert_priority`, `link`, `tags`, `event_msg`.
 */

const TRANSITIONS: Record<string, AlertStatus> = {
  triggered: 'firing',
  're-triggered': 'firing',
  warn: 'firing',
  're-warn': 'firing',
  warning: 'firing',
  'no data': 'firing',
  're-no data': 'firing',
  renotify: 'firing',
  recovered: 'resolved',
  'recovered from warn': 'resolved',
  resolved: 'resolved',
};

interface Prefix {
  transition?: string;
  scope?: string;
  priority?: string;
  rest: string;
}

/** Reads the bracketed tags at the start of a Datadog event title. */
export function titlePrefix(title: string): Prefix {
  const out: Prefix = { rest: title };
  let rest = title.trimStart();
  for (let match = /^\[([^\]]*)\]\s*/.exec(rest); match; match = /^\[([^\]]*)\]\s*/.exec(rest)) {
    const inner = match[1]!.trim();
    const priority = /^P([1-5])$/i.exec(inner);
    const transition = /^(re-triggered|triggered|re-warn|warn|warning|re-no data|no data|renotify|recovered(?: from warn)?|resolved)(?: on (.*))?$/i.exec(inner);
    if (priority) out.priority = `P${priority[1]}`;
    else if (transition) {
      out.transition = transition[1]!.toLowerCase();
      if (transition[2]) out.scope = transition[2].trim().replace(/^\{(.*)\}$/, '$1');
    } else break;
    rest = rest.slice(match[0].length);
  }
  out.rest = rest.trim() || title;
  return out;
}

function tagLabels(tags: unknown): Record<string, string> {
  const list = Array.isArray(tags) ? tags.map(String) : typeof tags === 'string' ? tags.split(',') : [];
  const labels: Record<string, string> = {};
  for (const tag of list.map((t) => t.trim()).filter(Boolean)) {
    const at = tag.indexOf(':');
    if (at > 0) labels[tag.slice(0, at)] = tag.slice(at + 1);
    else labels[tag] = '';
  }
  return labels;
}

function priorityToSeverity(priority: string | undefined): Severity | null {
  switch (priority?.toUpperCase()) {
    case 'P1': return 'critical';
    case 'P2': return 'high';
    case 'P3': return 'medium';
    case 'P4':
    case 'P5': return 'low';
    default: return null;
  }
}

export const datadog: Parser = {
  parse(body): ParseResult {
    if (!isObject(body)) fail('The body is not a JSON object');
    const rawTitle = text(body.alert_title) ?? text(body.title) ?? text(body.event_title);
    const prefix = titlePrefix(rawTitle ?? '');
    const transition = (text(body.alert_transition)?.toLowerCase() ?? prefix.transition);
    let status: AlertStatus | undefined = transition ? TRANSITIONS[transition] : undefined;
    if (!status && text(body.alert_type)?.toLowerCase() === 'success') status = 'resolved';
    if (!status) {
      fail(transition
        ? `Unknown alert_transition "${transition}"`
        : 'No alert_transition, and the title has no [Triggered]/[Recovered] prefix: not a Datadog monitor notification');
    }
    const monitorId = text(body.alert_id);
    const scope = text(body.alert_scope) ?? text(body.alert_scopes) ?? prefix.scope;
    const title = prefix.rest || (monitorId ? `Datadog monitor ${monitorId}` : 'Datadog alert');
    const labels = tagLabels(body.tags);
    if (monitorId) labels.monitor_id = monitorId;
    if (scope) labels.scope = scope;
    const priority = text(body.alert_priority) ?? text(body.priority) ?? prefix.priority;
    if (priority) labels.priority = priority;
    const warn = transition?.includes('warn') ?? false;
    // Monitor id + scope: one multi-alert monitor raises one alert per scope (host, service, …).
    const dedupKey = monitorId ? (scope ? `${monitorId}:${scope}` : monitorId) : (text(body.aggreg_key) ?? (scope ? `${title}:${scope}` : title));
    return {
      kind: 'alerts',
      deliveryId: text(body.id) ?? null,
      alerts: [{
        status: status!,
        dedupKey,
        groupKey: monitorId ?? title,
        title: clip(title, TITLE_MAX),
        description: clip(text(body.event_msg) ?? text(body.body) ?? text(body.text_only_msg) ?? '', DESCRIPTION_MAX),
        severity: priorityToSeverity(priority) ?? (warn ? 'medium' : severityFrom(body.severity)),
        labels,
        links: link(body.link, 'Datadog'),
        // Datadog renotifies with a new date each time: the start is unknown, so repeats stay one occurrence.
        startsAt: null,
        endsAt: status === 'resolved' ? timestamp(body.last_updated ?? body.date) : null,
      }],
    };
  },
  sample(status, now, key) {
    const transition = status === 'firing' ? 'Triggered' : 'Recovered';
    return {
      contentType: 'application/json',
      body: JSON.stringify({
        id: `${key}-${now.getTime()}`,
        alert_id: key,
        alert_transition: transition,
        alert_title: 'Nightshift test alert',
        alert_scope: 'source:nightshift-test',
        alert_priority: 'P3',
        title: `[${transition} on {source:nightshift-test}] Nightshift test alert`,
        event_msg: 'Sent from Nightshift to check this integration end to end.',
        event_type: 'query_alert_monitor',
        last_updated: String(now.getTime()),
        date: String(now.getTime()),
        tags: 'source:nightshift-test',
        link: 'https://app.datadoghq.com/monitors',
      }),
    };
  },
};
