import { alertmanagerSample, parseAlertmanagerPayload } from './alertmanager-format';
import { clip, DESCRIPTION_MAX, fail, isObject, link, severityFrom, stringRecord, text, TITLE_MAX } from './common';
import type { Parser, ParseResult } from './types';

const LEGACY_FIRING = new Set(['alerting', 'no_data']);

/**
 * Grafana's webhook contact point. Unified alerting (Grafana 8+) sends Alertmanager's payload plus
 * dashboard, panel and silence links per alert; legacy dashboard alerting sends one rule's state.
 */
export const grafana: Parser = {
  parse(body): ParseResult {
    if (isObject(body) && Array.isArray(body.alerts)) {
      return parseAlertmanagerPayload(body, {
        links: (alert) => [...link(alert.dashboardURL, 'Dashboard'), ...link(alert.panelURL, 'Panel'), ...link(alert.silenceURL, 'Silence')],
      });
    }
    if (isObject(body) && text(body.ruleId) !== undefined && typeof body.state === 'string') return legacy(body);
    return fail('Neither a unified alerting payload ("alerts" array) nor a legacy one ("ruleId" and "state")');
  },
  sample: (status, now, key) => ({
    contentType: 'application/json',
    body: alertmanagerSample(status, now, key, {
      receiver: 'nightshift',
      externalURL: 'http://grafana.invalid:3000/',
      top: { orgId: 1, title: `[${status.toUpperCase()}:1] NightshiftTestAlert`, state: status === 'firing' ? 'alerting' : 'ok', message: 'Nightshift test alert' },
      alert: { dashboardURL: '', panelURL: '', silenceURL: 'http://grafana.invalid:3000/alerting/silence/new', values: { A: 1 }, valueString: '[ var=\'A\' value=1 ]' },
    }),
  }),
};

function legacy(body: Record<string, unknown>): ParseResult {
  const state = String(body.state).toLowerCase();
  if (state === 'paused' || state === 'pending') return { kind: 'ignored', reason: `legacy alert state "${state}"`, deliveryId: null };
  if (!LEGACY_FIRING.has(state) && state !== 'ok') fail(`Unknown legacy alert state "${state}"`);
  const tags = stringRecord(body.tags);
  const ruleId = text(body.ruleId)!;
  return {
    kind: 'alerts',
    deliveryId: null,
    alerts: [{
      status: state === 'ok' ? 'resolved' : 'firing',
      dedupKey: ruleId,
      groupKey: null,
      title: clip(text(body.ruleName) ?? text(body.title) ?? `Grafana rule ${ruleId}`, TITLE_MAX),
      description: clip(text(body.message) ?? '', DESCRIPTION_MAX),
      severity: severityFrom(tags.severity),
      labels: { ...tags, ruleId },
      links: link(body.ruleUrl, 'Grafana'),
      startsAt: null,
      endsAt: null,
    }],
  };
}
