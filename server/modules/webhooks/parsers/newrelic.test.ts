import { describe, expect, it } from 'vitest';
import { newrelic } from './newrelic';
import { UnrecognizedPayload } from './types';

// A workflow webhook destination's default template, filled in.
const workflow = (state: string) => ({
  id: 'a1b2c3d4-0000-4000-8000-123456789abc',
  issueUrl: 'https://radar-api.service.newrelic.com/accounts/1/issues/a1b2c3d4?notifier=WEBHOOK',
  title: 'checkout-service query result is > 5.0 for 5 minutes',
  priority: 'HIGH',
  impactedEntities: ['checkout-service'],
  totalIncidents: 1,
  state,
  trigger: 'STATE_CHANGE',
  isCorrelated: false,
  createdAt: 1763632800000,
  updatedAt: 1763633100000,
  sources: ['newrelic'],
  alertPolicyNames: ['Golden signals'],
  alertConditionNames: ['Error rate'],
  workflowName: 'To Nightshift',
});

// A legacy alert channel's webhook.
const legacy = (state: string) => ({
  account_id: 1, account_name: 'Acme', condition_id: 9, condition_name: 'High error rate', current_state: state, details: 'Error rate > 5% for at least 5 minutes on checkout',
  event_type: 'INCIDENT', incident_acknowledge_url: 'https://alerts.newrelic.com/accounts/1/incidents/77/acknowledge', incident_id: 77,
  incident_url: 'https://alerts.newrelic.com/accounts/1/incidents/77', owner: '', policy_name: 'Golden signals', policy_url: 'https://alerts.newrelic.com/accounts/1/policies/3',
  runbook_url: 'https://runbooks.example.com/errors', severity: 'CRITICAL', targets: [{ id: '5', name: 'checkout', link: 'https://rpm.newrelic.com/5', labels: {}, product: 'APM', type: 'Application' }],
  timestamp: 1763632800000,
});

describe('newrelic', () => {
  it('reads workflow issues: ACTIVATED fires, CLOSED resolves, the issue id is the dedup key', () => {
    expect(newrelic.parse(workflow('ACTIVATED'), {})).toMatchObject({
      kind: 'alerts',
      alerts: [{
        status: 'firing', dedupKey: 'a1b2c3d4-0000-4000-8000-123456789abc', severity: 'high', title: 'checkout-service query result is > 5.0 for 5 minutes',
        labels: { policy: 'Golden signals', condition: 'Error rate', entities: 'checkout-service' }, startsAt: '2025-11-20T10:00:00.000Z',
      }],
    });
    expect(newrelic.parse(workflow('CLOSED'), {})).toMatchObject({ alerts: [{ status: 'resolved', endsAt: '2025-11-20T10:05:00.000Z' }] });
  });

  it('reads legacy alerts: open fires, closed resolves', () => {
    expect(newrelic.parse(legacy('open'), {})).toMatchObject({
      alerts: [{ status: 'firing', dedupKey: '77', severity: 'critical', title: 'Golden signals: High error rate', labels: { target: 'checkout' } }],
    });
    expect(newrelic.parse(legacy('closed'), {})).toMatchObject({ alerts: [{ status: 'resolved', dedupKey: '77' }] });
  });

  it('refuses malformed payloads', () => {
    for (const bad of [{}, { id: 'x' }, { id: 'x', state: 'EXPLODED' }, { incident_id: 1, current_state: 'weird' }, 'x']) {
      expect(() => newrelic.parse(bad, {})).toThrow(UnrecognizedPayload);
    }
  });

  it('parses its own sample', () => {
    expect(newrelic.parse(JSON.parse(newrelic.sample('resolved', new Date(), 'n1').body), {})).toMatchObject({ alerts: [{ status: 'resolved', dedupKey: 'n1' }] });
  });
});
