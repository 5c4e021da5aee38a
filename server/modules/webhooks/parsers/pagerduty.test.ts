import { describe, expect, it } from 'vitest';
import { pagerduty } from './pagerduty';
import { UnrecognizedPayload } from './types';

// PagerDuty V3 webhook (documented incident.triggered example shape).
const v3 = (eventType: string, status: string) => ({
  event: {
    id: `01DEN${eventType}`,
    event_type: eventType,
    resource_type: 'incident',
    occurred_at: '2026-11-20T10:05:00.000Z',
    agent: { html_url: 'https://acme.pagerduty.com/users/PLH1HKV', id: 'PLH1HKV', self: 'https://api.pagerduty.com/users/PLH1HKV', summary: 'Tenex Engineer', type: 'user_reference' },
    client: null,
    data: {
      id: 'PGR0VU2',
      type: 'incident',
      self: 'https://api.pagerduty.com/incidents/PGR0VU2',
      html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
      number: 2,
      status,
      incident_key: 'd3640fbd41094207a1c11e58e46b1662',
      created_at: '2026-11-20T10:00:00Z',
      title: 'A little bump in the road',
      service: { html_url: 'https://acme.pagerduty.com/services/PF9KMXH', id: 'PF9KMXH', self: 'https://api.pagerduty.com/services/PF9KMXH', summary: 'API Service', type: 'service_reference' },
      assignees: [],
      escalation_policy: { id: 'PABO4ZA', summary: 'Default', type: 'escalation_policy_reference' },
      teams: [],
      priority: { id: 'PSO75BM', summary: 'P1', type: 'priority_reference' },
      urgency: 'high',
      conference_bridge: null,
      resolve_reason: null,
    },
  },
});

describe('pagerduty', () => {
  it('reads V3 incident events, keyed by incident_key', () => {
    expect(pagerduty.parse(v3('incident.triggered', 'triggered'), {})).toMatchObject({
      kind: 'alerts', deliveryId: '01DENincident.triggered',
      alerts: [{
        status: 'firing', dedupKey: 'd3640fbd41094207a1c11e58e46b1662', title: 'A little bump in the road', severity: 'critical',
        labels: { service: 'API Service', urgency: 'high', priority: 'P1', number: '2' }, startsAt: '2026-11-20T10:00:00.000Z',
        links: [{ href: 'https://acme.pagerduty.com/incidents/PGR0VU2', text: 'PagerDuty' }],
      }],
    });
    expect(pagerduty.parse(v3('incident.acknowledged', 'acknowledged'), {})).toMatchObject({ alerts: [{ status: 'firing' }] });
    expect(pagerduty.parse(v3('incident.resolved', 'resolved'), {})).toMatchObject({
      alerts: [{ status: 'resolved', dedupKey: 'd3640fbd41094207a1c11e58e46b1662', endsAt: '2026-11-20T10:05:00.000Z' }],
    });
  });

  it('ignores pings and events about other resources', () => {
    expect(pagerduty.parse({ event: { id: 'p', event_type: 'pagey.ping', resource_type: 'pagey', occurred_at: '2026-11-20T10:00:00Z', data: {} } }, {})).toMatchObject({ kind: 'ignored' });
    expect(pagerduty.parse({ event: { id: 's', event_type: 'service.updated', resource_type: 'service', data: { id: 'X' } } }, {})).toMatchObject({ kind: 'ignored' });
  });

  it('reads Events API v2 trigger and resolve', () => {
    const trigger = {
      routing_key: 'R0', event_action: 'trigger', dedup_key: 'srv01/disk',
      payload: { summary: 'Disk full on srv01', source: 'srv01', severity: 'warning', custom_details: { free: '1%' } },
      links: [{ href: 'https://dash.example.com', text: 'Dashboard' }],
    };
    expect(pagerduty.parse(trigger, {})).toMatchObject({
      kind: 'alerts', alerts: [{ status: 'firing', dedupKey: 'srv01/disk', severity: 'medium', title: 'Disk full on srv01', labels: { source: 'srv01', free: '1%' } }],
    });
    expect(pagerduty.parse({ routing_key: 'R0', event_action: 'resolve', dedup_key: 'srv01/disk' }, {})).toMatchObject({ alerts: [{ status: 'resolved', dedupKey: 'srv01/disk' }] });
    expect(pagerduty.parse({ event_action: 'acknowledge', dedup_key: 'x' }, {})).toMatchObject({ kind: 'ignored' });
  });

  it('refuses malformed payloads', () => {
    for (const bad of [{}, { event: { event_type: 'incident.triggered', resource_type: 'incident', data: {} } }, { event_action: 'trigger', payload: {} }, { event_action: 'resolve' }, { messages: [] }]) {
      expect(() => pagerduty.parse(bad, {})).toThrow(UnrecognizedPayload);
    }
  });

  it('parses its own sample', () => {
    expect(pagerduty.parse(JSON.parse(pagerduty.sample('firing', new Date(), 'p1').body), {})).toMatchObject({ alerts: [{ status: 'firing', dedupKey: 'p1', severity: 'medium' }] });
  });
});
