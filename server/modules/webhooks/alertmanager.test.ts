import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type RunningAlertmanager } from '../../testing/alertmanager';
import { call, register, startTestServer, type Account, type TestServer } from '../../testing/harness';

/*
 * The real sender: Debian's Alertmanager 0.25 on loopback, its webhook_configs.url set to the
 * integration's webhook_url exactly as the API hands it out, alerts fired and expired through its own
 * v2 API. Everything between is the real HTTP path.
 */

let t: TestServer;
let owner: Account;
let am: RunningAlertmanager;
let integrationId: string;

beforeAll(async () => {
  t = await startTestServer();
  owner = await register(t.api);
  const created = await call(t.api, 'POST', '/integrations', { token: owner.accessToken, body: { platform: 'prometheus', name: 'Real Alertmanager' } });
  integrationId = created.body.id;
  am = await startAlertmanager({ webhookUrl: created.body.webhook_url, groupBy: ['alertname'], groupWait: '1s', groupInterval: '1s', resolveTimeout: '5m' });
});

afterAll(async () => {
  await am?.stop();
  await t?.stop();
});

/** Polls until `read` returns something `done` accepts; the deadline bounds the wait, not a sleep. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T;
  do {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  throw new Error(`${what} did not happen within ${ms} ms; last seen: ${JSON.stringify(last)}`);
}

const alertsOfIntegration = async () =>
  (await call(t.api, 'GET', `/alerts?integration_id=${integrationId}&limit=100`, { token: owner.accessToken })).body.data as any[];

describe('Prometheus Alertmanager as the sender', () => {
  it('opens an incident, groups two alerts into it, and resolves it when they end', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const alert = (instance: string) => ({
      labels: { alertname: 'NightshiftRealSender', instance, severity: 'critical', job: 'api' },
      annotations: { summary: `Real sender alert on ${instance}`, description: 'Fired through Alertmanager 0.25' },
      startsAt,
      generatorURL: 'http://prometheus.invalid:9090/graph',
    });
    await am.postAlerts([alert('api-1'), alert('api-2')]);

    const firing = await eventually(alertsOfIntegration, (alerts) => alerts.length === 2 && alerts.every((a) => a.status === 'firing'), 'two firing alerts');
    const incidentIds = new Set(firing.map((a) => a.incident_id));
    expect(incidentIds.size).toBe(1);
    const [incidentId] = [...incidentIds];
    // Alertmanager's own identity and grouping, kept verbatim.
    expect(new Set(firing.map((a) => a.group_key))).toEqual(new Set(['{}:{alertname="NightshiftRealSender"}']));
    expect(firing.every((a) => /^[0-9a-f]{16}$/.test(a.dedup_key))).toBe(true);

    const opened = (await call(t.api, 'GET', `/incidents/${incidentId}`, { token: owner.accessToken })).body;
    expect(opened).toMatchObject({ status: 'active', severity: 'critical' });
    expect(opened.title).toMatch(/^Real sender alert on api-/);
    expect(opened.alerts.map((a: any) => a.labels.instance).sort()).toEqual(['api-1', 'api-2']);

    // Expire both: an endsAt in the past resolves them, and Alertmanager sends the resolved notification.
    const endsAt = new Date(Date.now() - 1000).toISOString();
    await am.postAlerts([{ ...alert('api-1'), endsAt }, { ...alert('api-2'), endsAt }]);
    const resolved = await eventually(
      async () => (await call(t.api, 'GET', `/incidents/${incidentId}`, { token: owner.accessToken })).body,
      (incident) => incident.status === 'resolved',
      'the incident resolving',
    );
    expect(resolved.alerts.map((a: any) => a.status)).toEqual(['resolved', 'resolved']);
    expect(resolved.timeline.filter((e: any) => e.kind === 'alert_resolved')).toHaveLength(2);
    expect((await alertsOfIntegration()).map((a) => a.incident_id)).toEqual([incidentId, incidentId]);
  });
});
