import type { Severity } from '../../incidents';
import { clip, DESCRIPTION_MAX, fail, isObject, link, severityFrom, text, timestamp, TITLE_MAX } from './common';
import type { Parser, ParseResult } from './types';

/*
 * New Relic: workflows post the destination's template, by default `{id, issueUrl, title, priority,
 * impactedEntities, totalIncidents, state, trigger, isCorrelated, createdAt, updatedAt, sources,
 * alertPolicyNames, alertConditionNames, workflowName}`; legacy alert channels post `{incident_id,
 * current_state, severity, condition_name, policy_name, incident_url, details, targets, timestamp}`.
 * The issue id (or legacy incident id) is the dedup key.
 */

const first = (value: unknown): string | undefined => (Array.isArray(value) ? text(value[0]) : text(value));
const joined = (value: unknown): string | undefined =>
  Array.isArray(value) ? (value.map((v) => text(v)).filter(Boolean).join(', ') || undefined) : text(value);

function workflow(body: Record<string, unknown>): ParseResult {
  const id = text(body.id) ?? text(body.issueId);
  const state = text(body.state)?.toUpperCase();
  if (!id) fail('No issue "id"');
  if (!state) fail('No issue "state"');
  if (!['CREATED', 'ACTIVATED', 'ACKNOWLEDGED', 'CLOSED'].includes(state)) fail(`Unknown issue state "${state}"`);
  const closed = state === 'CLOSED';
  const labels: Record<string, string> = { issue_id: id, state };
  const add = (key: string, value: string | undefined) => value && (labels[key] = value);
  add('priority', text(body.priority));
  add('policy', joined(body.alertPolicyNames));
  add('condition', joined(body.alertConditionNames));
  add('entities', joined(body.impactedEntities));
  add('workflow', text(body.workflowName));
  const title = first(body.title) ?? first(body.alertConditionNames) ?? `New Relic issue ${id}`;
  return {
    kind: 'alerts',
    deliveryId: null,
    alerts: [{
      status: closed ? 'resolved' : 'firing',
      dedupKey: id,
      groupKey: null,
      title: clip(title, TITLE_MAX),
      description: clip([text(body.trigger) && `Trigger: ${text(body.trigger)}`, labels.entities && `Impacted: ${labels.entities}`].filter(Boolean).join('\n'), DESCRIPTION_MAX),
      severity: severityFrom(body.priority),
      labels,
      links: link(body.issueUrl ?? body.issuePageUrl, 'New Relic'),
      startsAt: timestamp(body.createdAt),
      endsAt: closed ? timestamp(body.updatedAt) : null,
    }],
  };
}

const LEGACY_SEVERITY: Record<string, Severity> = { CRITICAL: 'critical', WARNING: 'medium', INFO: 'low' };

function legacy(body: Record<string, unknown>): ParseResult {
  const id = text(body.incident_id)!;
  const state = text(body.current_state)?.toLowerCase();
  if (state !== 'open' && state !== 'acknowledged' && state !== 'closed') fail(`Unknown current_state "${state}"`);
  const target = Array.isArray(body.targets) && isObject(body.targets[0]) ? body.targets[0] : {};
  const labels: Record<string, string> = { incident_id: id };
  for (const field of ['policy_name', 'condition_name', 'account_name', 'event_type'] as const) if (text(body[field])) labels[field] = text(body[field])!;
  if (text(target.name)) labels.target = text(target.name)!;
  const condition = text(body.condition_name);
  return {
    kind: 'alerts',
    deliveryId: null,
    alerts: [{
      status: state === 'closed' ? 'resolved' : 'firing',
      dedupKey: id,
      groupKey: null,
      title: clip(condition ? `${text(body.policy_name) ? `${text(body.policy_name)}: ` : ''}${condition}` : `New Relic incident ${id}`, TITLE_MAX),
      description: clip(text(body.details) ?? '', DESCRIPTION_MAX),
      severity: LEGACY_SEVERITY[text(body.severity)?.toUpperCase() ?? ''] ?? null,
      labels,
      links: [...link(body.incident_url, 'New Relic'), ...link(body.runbook_url, 'Runbook'), ...link(body.violation_chart_url, 'Chart')],
      startsAt: state === 'closed' ? null : timestamp(body.timestamp),
      endsAt: state === 'closed' ? timestamp(body.timestamp) : null,
    }],
  };
}

export const newrelic: Parser = {
  parse(body): ParseResult {
    if (!isObject(body)) fail('The body is not a JSON object');
    if (text(body.incident_id) !== undefined && body.current_state !== undefined) return legacy(body);
    if ((text(body.id) ?? text(body.issueId)) !== undefined && body.state !== undefined) return workflow(body);
    return fail('Neither a workflow notification ("id" and "state") nor a legacy alert ("incident_id" and "current_state")');
  },
  sample(status, now, key) {
    const created = now.getTime() - 60_000;
    return {
      contentType: 'application/json',
      body: JSON.stringify({
        id: key,
        issueUrl: 'https://one.newrelic.com/alerts-ai/issues',
        title: 'Nightshift test alert',
        priority: 'MEDIUM',
        impactedEntities: ['nightshift-test'],
        totalIncidents: 1,
        state: status === 'firing' ? 'ACTIVATED' : 'CLOSED',
        trigger: status === 'firing' ? 'INCIDENT_ADDED' : 'INCIDENT_CLOSED',
        isCorrelated: false,
        createdAt: created,
        updatedAt: now.getTime(),
        sources: ['newrelic'],
        alertPolicyNames: ['Nightshift test policy'],
        alertConditionNames: ['Nightshift test condition'],
        workflowName: 'Nightshift',
      }),
    };
  },
};
