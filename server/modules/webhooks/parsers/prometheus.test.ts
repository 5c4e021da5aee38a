import { describe, expect, it } from 'vitest';
import { prometheus } from './prometheus';
import { UnrecognizedPayload } from './types';

// Alertmanager's documented webhook payload (version 4), as 0.25 sends it.
const payload = (overrides: Record<string, unknown> = {}) => ({
  version: '4',
  groupKey: '{}:{alertname="HighLatency"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'nightshift',
  groupLabels: { alertname: 'HighLatency' },
  commonLabels: { alertname: 'HighLatency', job: 'api' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'HighLatency', job: 'api', instance: 'api-1:9090', severity: 'critical' },
      annotations: { summary: 'p99 latency above 2s on api-1', description: 'The p99 has been above 2s for 5 minutes.', runbook_url: 'https://runbooks.example.com/latency' },
      startsAt: '2026-11-20T10:00:00.000Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=latency',
      fingerprint: 'a1b2c3d4e5f60718',
    },
    {
      status: 'resolved',
      labels: { alertname: 'HighLatency', job: 'api', instance: 'api-2:9090', severity: 'warning' },
      annotations: { summary: 'p99 latency above 2s on api-2' },
      startsAt: '2026-11-20T09:50:00.000Z',
      endsAt: '2026-11-20T10:01:00.000Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=latency',
      fingerprint: '0f1e2d3c4b5a6978',
    },
  ],
  ...overrides,
});

describe('prometheus (Alertmanager v4)', () => {
  it('reads each alert\'s own status, its fingerprint verbatim and the notification\'s groupKey', () => {
    const result = prometheus.parse(payload(), {});
    expect(result.kind).toBe('alerts');
    if (result.kind !== 'alerts') return;
    const [firing, resolved] = result.alerts;
    expect(firing).toMatchObject({
      status: 'firing', dedupKey: 'a1b2c3d4e5f60718', groupKey: '{}:{alertname="HighLatency"}', title: 'p99 latency above 2s on api-1',
      description: 'The p99 has been above 2s for 5 minutes.', severity: 'critical', startsAt: '2026-11-20T10:00:00.000Z', endsAt: null,
    });
    expect(firing!.labels.instance).toBe('api-1:9090');
    expect(firing!.links).toEqual([
      { href: 'http://prometheus:9090/graph?g0.expr=latency', text: 'Source' },
      { href: 'https://runbooks.example.com/latency', text: 'Runbook' },
      { href: 'http://alertmanager:9093/', text: 'Alertmanager' },
    ]);
    // The group says firing; this alert says resolved, and its word is the one that counts.
    expect(resolved).toMatchObject({ status: 'resolved', dedupKey: '0f1e2d3c4b5a6978', severity: 'medium', endsAt: '2026-11-20T10:01:00.000Z' });
  });

  it('falls back to alertname for the title and to the label set for identity when fingerprint is absent', () => {
    const result = prometheus.parse(payload({ alerts: [{ status: 'firing', labels: { alertname: 'Down', job: 'db' }, annotations: {} }] }), {});
    if (result.kind !== 'alerts') throw new Error('expected alerts');
    expect(result.alerts[0]).toMatchObject({ title: 'Down', dedupKey: 'alertname=Down,job=db', severity: null });
  });

  it('refuses payloads that are not Alertmanager\'s', () => {
    for (const bad of [[], 'text', { status: 'firing' }, payload({ alerts: [{ status: 'pending', labels: {} }] }), payload({ alerts: [{ status: 'firing' }] })]) {
      expect(() => prometheus.parse(bad, {})).toThrow(UnrecognizedPayload);
    }
  });

  it('drops links that are not http(s)', () => {
    const body = payload();
    (body.alerts[0] as any).generatorURL = 'javascript:alert(1)';
    const result = prometheus.parse(body, {});
    if (result.kind !== 'alerts') throw new Error('expected alerts');
    expect(result.alerts[0]!.links.map((l) => l.text)).toEqual(['Runbook', 'Alertmanager']);
  });

  it('parses its own test sample', () => {
    const sample = prometheus.sample('resolved', new Date('2026-11-20T10:00:00Z'), 'k1');
    const result = prometheus.parse(JSON.parse(sample.body), {});
    if (result.kind !== 'alerts') throw new Error('expected alerts');
    expect(result.alerts[0]).toMatchObject({ status: 'resolved', dedupKey: 'k1' });
  });
});
