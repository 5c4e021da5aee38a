import { describe, expect, it } from 'vitest';
import { signoz } from './signoz';
import { UnrecognizedPayload } from './types';

// SigNoz's webhook channel: Alertmanager's version 4 payload, from its rules.
const payload = () => ({
  version: '4',
  groupKey: '{}/{}:{alertname="High error rate"}',
  status: 'firing',
  receiver: 'nightshift',
  groupLabels: { alertname: 'High error rate' },
  commonLabels: { alertname: 'High error rate', severity: 'error' },
  commonAnnotations: {},
  externalURL: 'https://signoz.example.com',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'High error rate', severity: 'error', ruleId: '42', ruleSource: 'https://signoz.example.com/alerts/edit?ruleId=42', service_name: 'checkout' },
      annotations: { summary: 'Error rate above 5% on checkout', description: 'Current value 7.2%' },
      startsAt: '2026-11-20T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://signoz.example.com/alerts/edit?ruleId=42',
      fingerprint: 'b7c1d2e3f4a5b6c7',
    },
    {
      status: 'firing',
      labels: { alertname: 'High error rate', severity: 'error', ruleId: '42', service_name: 'cart' },
      annotations: { summary: 'Error rate above 5% on cart' },
      startsAt: '2026-11-20T10:00:30Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://signoz.example.com/alerts/edit?ruleId=42',
      fingerprint: 'c8d9e0f1a2b3c4d5',
    },
  ],
});

describe('signoz', () => {
  it('groups a rule\'s alerts under one groupKey, each with its own fingerprint and severity', () => {
    const result = signoz.parse(payload(), {});
    if (result.kind !== 'alerts') throw new Error('expected alerts');
    expect(result.alerts.map((a) => [a.dedupKey, a.groupKey, a.severity, a.status])).toEqual([
      ['b7c1d2e3f4a5b6c7', '{}/{}:{alertname="High error rate"}', 'high', 'firing'],
      ['c8d9e0f1a2b3c4d5', '{}/{}:{alertname="High error rate"}', 'high', 'firing'],
    ]);
  });

  it('adds related logs and traces links from its annotations', () => {
    const body = payload();
    (body.alerts[0] as any).annotations.related_logs = 'https://signoz.example.com/logs?q=1';
    (body.alerts[0] as any).annotations.related_traces = 'https://signoz.example.com/traces?q=1';
    const result = signoz.parse(body, {});
    if (result.kind !== 'alerts') throw new Error('expected alerts');
    expect(result.alerts[0]!.links.map((l) => l.text)).toEqual(['Source', 'Related logs', 'Related traces', 'Alertmanager']);
  });

  it('reads a resolved alert as resolved', () => {
    const body = payload();
    Object.assign(body.alerts[1]!, { status: 'resolved', endsAt: '2026-11-20T10:05:00Z' });
    const result = signoz.parse(body, {});
    if (result.kind !== 'alerts') throw new Error('expected alerts');
    expect(result.alerts[1]).toMatchObject({ status: 'resolved', endsAt: '2026-11-20T10:05:00.000Z' });
  });

  it('refuses what is not an Alertmanager payload, and parses its own sample', () => {
    expect(() => signoz.parse({ alerts: 'no' }, {})).toThrow(UnrecognizedPayload);
    expect(() => signoz.parse({ rule: 'x' }, {})).toThrow(UnrecognizedPayload);
    const sample = signoz.sample('firing', new Date(), 'k2');
    expect(signoz.parse(JSON.parse(sample.body), {})).toMatchObject({ kind: 'alerts', alerts: [{ status: 'firing', dedupKey: 'k2' }] });
  });
});
