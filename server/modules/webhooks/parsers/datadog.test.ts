import { describe, expect, it } from 'vitest';
import { datadog, titlePrefix } from './datadog';
import { UnrecognizedPayload } from './types';

// The Webhooks tile's default payload: $EVENT_MSG, $LAST_UPDATED, $EVENT_TYPE, $EVENT_TITLE, $DATE, $ORG_ID/$ORG_NAME, $ID.
const defaultTemplate = (title: string) => ({
  body: '%%%\nCPU above 90% on web-1\n%%%',
  last_updated: '1763632800000',
  event_type: 'query_alert_monitor',
  title,
  date: '1763632800000',
  org: { id: '12345', name: 'Acme' },
  id: '7300912345678901234',
});

// A template with the monitor variables: $ALERT_ID, $ALERT_TRANSITION, $ALERT_SCOPE, $ALERT_PRIORITY, $LINK, $TAGS.
const custom = (transition: string, scope = 'host:web-1') => ({
  id: `evt-${transition}`,
  alert_id: '987654',
  alert_transition: transition,
  alert_title: 'CPU high',
  alert_scope: scope,
  alert_priority: 'P2',
  event_msg: 'CPU above 90%',
  link: 'https://app.datadoghq.com/event/event?id=1',
  tags: 'env:prod,host:web-1,team:core',
});

describe('datadog', () => {
  it('reads the default template\'s state from the title prefix', () => {
    const fired = datadog.parse(defaultTemplate('[Triggered on {host:web-1}] CPU high'), {});
    expect(fired).toMatchObject({
      kind: 'alerts', deliveryId: '7300912345678901234',
      alerts: [{ status: 'firing', title: 'CPU high', dedupKey: 'CPU high:host:web-1', groupKey: 'CPU high', labels: { scope: 'host:web-1' } }],
    });
    const recovered = datadog.parse(defaultTemplate('[P1] [Recovered on {host:web-1}] CPU high'), {});
    expect(recovered).toMatchObject({ kind: 'alerts', alerts: [{ status: 'resolved', dedupKey: 'CPU high:host:web-1', severity: 'critical' }] });
    expect(datadog.parse(defaultTemplate('[Warn] Disk filling'), {})).toMatchObject({ alerts: [{ status: 'firing', severity: 'medium', dedupKey: 'Disk filling' }] });
    expect(datadog.parse(defaultTemplate('[No Data] Heartbeat'), {})).toMatchObject({ alerts: [{ status: 'firing' }] });
  });

  it('keys an alert by monitor id and scope, groups a monitor\'s scopes together', () => {
    const a = datadog.parse(custom('Triggered'), {});
    const b = datadog.parse(custom('Triggered', 'host:web-2'), {});
    const resolved = datadog.parse(custom('Recovered'), {});
    expect(a).toMatchObject({ kind: 'alerts', deliveryId: 'evt-Triggered', alerts: [{ status: 'firing', dedupKey: '987654:host:web-1', groupKey: '987654', severity: 'high', title: 'CPU high' }] });
    expect(b).toMatchObject({ alerts: [{ dedupKey: '987654:host:web-2', groupKey: '987654' }] });
    expect(resolved).toMatchObject({ alerts: [{ status: 'resolved', dedupKey: '987654:host:web-1' }] });
    if (a.kind !== 'alerts') throw new Error('expected alerts');
    expect(a.alerts[0]!.labels).toMatchObject({ env: 'prod', team: 'core', monitor_id: '987654', priority: 'P2' });
    expect(a.alerts[0]!.links).toEqual([{ href: 'https://app.datadoghq.com/event/event?id=1', text: 'Datadog' }]);
  });

  it('refuses a payload with no transition and no prefix', () => {
    expect(() => datadog.parse(defaultTemplate('CPU high'), {})).toThrow(/Triggered/);
    expect(() => datadog.parse(custom('Exploded'), {})).toThrow(UnrecognizedPayload);
    expect(() => datadog.parse([1, 2], {})).toThrow(UnrecognizedPayload);
  });

  it('splits title prefixes', () => {
    expect(titlePrefix('[P3] [Re-Triggered on {env:prod,host:a}] Latency')).toEqual({ priority: 'P3', transition: 're-triggered', scope: 'env:prod,host:a', rest: 'Latency' });
    expect(titlePrefix('[Recovered from Warn] Q')).toMatchObject({ transition: 'recovered from warn', rest: 'Q' });
  });

  it('parses its own sample', () => {
    const result = datadog.parse(JSON.parse(datadog.sample('resolved', new Date(), 'd1').body), {});
    expect(result).toMatchObject({ kind: 'alerts', alerts: [{ status: 'resolved', dedupKey: 'd1:source:nightshift-test' }] });
  });
});
