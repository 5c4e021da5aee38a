import { alertmanagerSample, parseAlertmanagerPayload } from './alertmanager-format';
import { link } from './common';
import type { Parser } from './types';

/**
 * SigNoz's webhook channel sends Alertmanager's version 4 payload from its embedded Alertmanager; its
 * rules add `related_logs` and `related_traces` links as annotations.
 */
export const signoz: Parser = {
  parse: (body) => parseAlertmanagerPayload(body, {
    links: (_alert, annotations) => [...link(annotations.related_logs, 'Related logs'), ...link(annotations.related_traces, 'Related traces')],
  }),
  sample: (status, now, key) => ({
    contentType: 'application/json',
    body: alertmanagerSample(status, now, key, {
      receiver: 'nightshift',
      externalURL: 'http://signoz.invalid:3301',
      alert: { labels: { alertname: 'NightshiftTestAlert', severity: 'warning', ruleId: 'nightshift-test', ruleSource: 'http://signoz.invalid:3301/alerts/edit?ruleId=nightshift-test' } },
    }),
  }),
};
