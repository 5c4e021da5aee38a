import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_RATE_LIMITS } from '../../config';
import { call, expectError, register, startTestServer, type Account, type TestServer } from '../../testing/harness';

let t: TestServer;
let owner: Account;
beforeAll(async () => {
  t = await startTestServer();
  owner = await register(t.api);
});
afterAll(async () => t.stop());

async function integration(platform: string, extra: Record<string, unknown> = {}, account = owner) {
  const response = await call(t.api, 'POST', '/integrations', { token: account.accessToken, body: { platform, name: `${platform} test`, ...extra } });
  if (response.status !== 201) throw new Error(`create failed: ${response.text}`);
  return response.body as { id: string; secret: string; webhook_url: string };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  call(url, 'POST', '', { raw: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

const incident = async (id: string, account = owner) => (await call(t.api, 'GET', `/incidents/${id}`, { token: account.accessToken })).body;

const amAlert = (fingerprint: string, status: 'firing' | 'resolved', labels: Record<string, string> = {}, startsAt = '2026-11-20T10:00:00.000Z') => ({
  status,
  labels: { alertname: 'HighLatency', instance: fingerprint, severity: 'warning', ...labels },
  annotations: { summary: `Latency high on ${fingerprint}` },
  startsAt,
  endsAt: status === 'resolved' ? '2026-11-20T10:10:00.000Z' : '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus:9090/graph',
  fingerprint,
});
const amPayload = (groupKey: string, alerts: unknown[]) => ({
  version: '4', groupKey, truncatedAlerts: 0, status: 'firing', receiver: 'nightshift', groupLabels: {}, commonLabels: {}, commonAnnotations: {},
  externalURL: 'http://alertmanager:9093', alerts,
});

describe('Alertmanager alerts into incidents', () => {
  it('opens one incident per group, joins it, resolves it when every alert has, and reopens a new one on re-firing', async () => {
    const am = await integration('prometheus');
    const first = await post(am.webhook_url, amPayload('{}:{alertname="HighLatency"}', [amAlert('fp-a', 'firing'), amAlert('fp-b', 'firing', { severity: 'critical' })]));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 2, duplicate: false, incidents_resolved: [] });
    expect(first.body.incidents_opened).toHaveLength(1);
    expect(first.body.alerts.map((a: any) => a.action)).toEqual(['opened', 'joined']);
    const incidentId = first.body.incidents_opened[0];

    let detail = await incident(incidentId);
    expect(detail).toMatchObject({ title: 'Latency high on fp-a', status: 'active', severity: 'critical' });
    expect(detail.alerts.map((a: any) => [a.dedup_key, a.status, a.source, a.integration_id])).toEqual([
      ['fp-a', 'firing', 'prometheus', am.id], ['fp-b', 'firing', 'prometheus', am.id],
    ]);
    expect(detail.alerts[0].links[0]).toEqual({ href: 'http://prometheus:9090/graph', text: 'Source' });
    expect(detail.timeline.filter((e: any) => e.kind === 'alert_firing')).toHaveLength(2);
    // The incident's opening comes first on its timeline; each alert's own time is kept beside it.
    expect(detail.timeline.map((e: any) => e.kind).slice(0, 2)).toEqual(['created', 'alert_firing']);
    expect(detail.timeline[1].data.source_at).toEqual(expect.any(String));

    // One alert resolves: the incident stays open.
    const partial = await post(am.webhook_url, amPayload('{}:{alertname="HighLatency"}', [amAlert('fp-a', 'resolved'), amAlert('fp-b', 'firing', { severity: 'critical' })]));
    expect(partial.body.alerts.map((a: any) => a.action)).toEqual(['resolved', 'unchanged']);
    expect(partial.body.incidents_resolved).toEqual([]);
    detail = await incident(incidentId);
    expect(detail.status).toBe('active');
    expect(detail.alerts.find((a: any) => a.dedup_key === 'fp-a')).toMatchObject({ status: 'resolved', ends_at: '2026-11-20T10:10:00.000Z' });

    // The last one resolves: so does the incident, and the timeline says why.
    const done = await post(am.webhook_url, amPayload('{}:{alertname="HighLatency"}', [amAlert('fp-b', 'resolved')]));
    expect(done.body.incidents_resolved).toEqual([incidentId]);
    detail = await incident(incidentId);
    expect(detail.status).toBe('resolved');
    expect(detail.timeline.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['alert_resolved']));

    // Firing again after the incident is resolved: a new incident.
    const again = await post(am.webhook_url, amPayload('{}:{alertname="HighLatency"}', [amAlert('fp-a', 'firing', {}, '2026-11-20T11:00:00.000Z')]));
    expect(again.body.alerts[0].action).toBe('opened');
    expect(again.body.incidents_opened).toHaveLength(1);
    expect(again.body.incidents_opened[0]).not.toBe(incidentId);
    expect((await incident(incidentId)).alerts).toHaveLength(2);
  });

  it('keeps groups apart and does not resolve in the middle of a delivery', async () => {
    const am = await integration('prometheus');
    const a = await post(am.webhook_url, amPayload('group-1', [amAlert('g1', 'firing')]));
    const b = await post(am.webhook_url, amPayload('group-2', [amAlert('g2', 'firing')]));
    expect(a.body.incidents_opened[0]).not.toBe(b.body.incidents_opened[0]);
    // Resolve g1 and fire a new alert in group-1 in the same delivery: the incident stays open.
    const mixed = await post(am.webhook_url, amPayload('group-1', [amAlert('g1', 'resolved'), amAlert('g1b', 'firing')]));
    expect(mixed.body.alerts.map((x: any) => [x.action, x.incident_id])).toEqual([['resolved', a.body.incidents_opened[0]], ['joined', a.body.incidents_opened[0]]]);
    expect((await incident(a.body.incidents_opened[0])).status).toBe('active');
  });

  it('treats a repeated notification as the same occurrence (no new timeline entries)', async () => {
    const am = await integration('prometheus');
    const body = amPayload('rep', [amAlert('rep-1', 'firing')]);
    const first = await post(am.webhook_url, body);
    const second = await post(am.webhook_url, body);
    expect(second.body.alerts[0]).toMatchObject({ action: 'unchanged', incident_id: first.body.incidents_opened[0] });
    const detail = await incident(first.body.incidents_opened[0]);
    expect(detail.timeline.filter((e: any) => e.kind === 'alert_firing')).toHaveLength(1);
    // A fresh startsAt on an open incident's alert is a re-fire, on the timeline.
    const refired = await post(am.webhook_url, amPayload('rep', [amAlert('rep-1', 'firing', {}, '2026-11-20T12:00:00.000Z')]));
    expect(refired.body.alerts[0].action).toBe('refired');
  });

  it('moves only last_received_at on a repeat that changes nothing, and stores what a repeat does change', async () => {
    const am = await integration('prometheus');
    const alertOf = async () => {
      const list = await call(t.api, 'GET', `/alerts?integration_id=${am.id}`, { token: owner.accessToken });
      expect(list.body.data).toHaveLength(1);
      return list.body.data[0];
    };
    await post(am.webhook_url, amPayload('quiet', [amAlert('quiet-1', 'firing')]));
    const first = await alertOf();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await post(am.webhook_url, amPayload('quiet', [amAlert('quiet-1', 'firing')]))).body.alerts[0].action).toBe('unchanged');
    const repeated = await alertOf();
    expect(repeated.last_received_at > first.last_received_at).toBe(true);
    expect({ ...repeated, last_received_at: null }).toEqual({ ...first, last_received_at: null });

    const reworded = amAlert('quiet-1', 'firing');
    reworded.annotations = { summary: 'Latency high on quiet-1, still', description: 'Now with a description' } as typeof reworded.annotations;
    expect((await post(am.webhook_url, amPayload('quiet', [reworded]))).body.alerts[0].action).toBe('unchanged');
    expect(await alertOf()).toMatchObject({ id: first.id, title: 'Latency high on quiet-1, still', description: 'Now with a description', status: 'firing' });
  });

  it('answers deliveries that arrive together each once stored, as if they had come one by one', async () => {
    const am = await integration('prometheus');
    const sends = Array.from({ length: 30 }, (_, i) => post(am.webhook_url, amPayload('together', [amAlert(`together-${i}`, 'firing')])));
    const broken = post(am.webhook_url, { version: '4', alerts: 'not a list' });
    const answers = await Promise.all(sends);
    expectError(await broken, 422, 'UNRECOGNIZED_PAYLOAD');
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const actions = answers.map((a) => a.body.alerts[0].action);
    expect(actions.filter((a) => a === 'opened')).toHaveLength(1);
    expect(actions.filter((a) => a === 'joined')).toHaveLength(29);
    const incidentIds = new Set(answers.map((a) => a.body.alerts[0].incident_id));
    expect(incidentIds.size).toBe(1);
    const [incidentId] = [...incidentIds];
    // Answered means stored: everything is there the moment the last answer is in.
    expect((await call(t.api, 'GET', `/alerts?integration_id=${am.id}&limit=100`, { token: owner.accessToken })).body.meta.total).toBe(30);
    expect((await incident(incidentId)).timeline.filter((e: any) => e.kind === 'alert_firing')).toHaveLength(30);
    const audit = await call(t.api, 'GET', `/audit?action=INGEST_ALERTS&resource_id=${am.id}&limit=100`, { token: owner.accessToken });
    expect(audit.body.meta.total).toBe(30);
  });

  it('applies the integration\'s routing: default severity, service, grouping override', async () => {
    const service = await call(t.api, 'POST', '/services', { token: owner.accessToken, body: { name: `Payments ${Date.now()}` } });
    const am = await integration('prometheus', { default_severity: 'high', service_id: service.body.id, group_by: ['cluster'] });
    const one = await post(am.webhook_url, amPayload('native-1', [{ ...amAlert('r1', 'firing', { cluster: 'eu' }), labels: { alertname: 'X', cluster: 'eu' } }]));
    const two = await post(am.webhook_url, amPayload('native-2', [{ ...amAlert('r2', 'firing'), labels: { alertname: 'Y', cluster: 'eu' } }]));
    const three = await post(am.webhook_url, amPayload('native-1', [{ ...amAlert('r3', 'firing'), labels: { alertname: 'X', cluster: 'us' } }]));
    expect(two.body.alerts[0]).toMatchObject({ action: 'joined', incident_id: one.body.incidents_opened[0] });
    expect(three.body.alerts[0].action).toBe('opened');
    const detail = await incident(one.body.incidents_opened[0]);
    expect(detail.severity).toBe('high');
    expect(detail.services.map((s: any) => s.id)).toEqual([service.body.id]);
  });
});

describe('authentication', () => {
  it('takes the secret in the path, as a Bearer token, in X-Nightshift-Secret or as Basic auth\'s password', async () => {
    const generic = await integration('generic');
    const endpoint = `${t.api}/webhooks/generic`;
    const basic = `Basic ${Buffer.from(`nightshift:${generic.secret}`).toString('base64')}`;
    const variants: Record<string, string>[] = [{ authorization: `Bearer ${generic.secret}` }, { 'x-nightshift-secret': generic.secret }, { authorization: basic }];
    for (const headers of variants) {
      expect((await post(endpoint, { title: 'auth check' }, headers)).status).toBe(200);
    }
    expectError(await post(endpoint, { title: 'x' }), 401, 'UNAUTHENTICATED');
    expectError(await post(`${endpoint}/nsw_wrong`, { title: 'x' }), 401, 'INVALID_TOKEN');
  });

  it('refuses a secret posted to another platform\'s route, and a disabled integration', async () => {
    const generic = await integration('generic');
    expectError(await post(`${t.api}/webhooks/prometheus/${generic.secret}`, amPayload('x', [])), 422, 'WEBHOOK_PLATFORM_MISMATCH');
    await call(t.api, 'PATCH', `/integrations/${generic.id}`, { token: owner.accessToken, body: { enabled: false } });
    expectError(await post(generic.webhook_url, { title: 'x' }), 403, 'FORBIDDEN');
  });

  it('verifies PagerDuty V3 signatures when a signing secret is set', async () => {
    const pd = await integration('pagerduty', { signing_secret: 'pd-signing-secret' });
    const body = JSON.stringify({ event: { id: 'evt-sig', event_type: 'pagey.ping', resource_type: 'pagey', occurred_at: '2026-11-20T10:00:00Z', data: {} } });
    const sign = (secret: string) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
    expectError(await post(pd.webhook_url, body), 401, 'INVALID_SIGNATURE');
    expectError(await post(pd.webhook_url, body, { 'x-pagerduty-signature': sign('another-secret') }), 401, 'INVALID_SIGNATURE');
    const ok = await post(pd.webhook_url, body, { 'x-pagerduty-signature': `${sign('old-secret')},${sign('pd-signing-secret')}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ignored: 'PagerDuty ping', accepted: 0 });
    // The signature covers the exact bytes: the same JSON re-spaced does not pass.
    expectError(await post(pd.webhook_url, JSON.stringify(JSON.parse(body), null, 2), { 'x-pagerduty-signature': sign('pd-signing-secret') }), 401, 'INVALID_SIGNATURE');
  });

  it('verifies Grafana HMAC signatures, with the timestamp when one is configured', async () => {
    const grafana = await integration('grafana', { signing_secret: 'grafana-hmac', settings: { timestamp_header: 'X-Grafana-Alerting-Signature-Timestamp' } });
    const body = JSON.stringify({ receiver: 'n', status: 'firing', alerts: [amAlert('gf-1', 'firing')], groupKey: 'gf', version: '1' });
    const now = Math.floor(Date.now() / 1000);
    const headersAt = (ts: number, secret = 'grafana-hmac') => ({
      'x-grafana-alerting-signature-timestamp': String(ts),
      'x-grafana-alerting-signature': createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex'),
    });
    expect((await post(grafana.webhook_url, body, headersAt(now))).status).toBe(200);
    expectError(await post(grafana.webhook_url, body, headersAt(now, 'wrong')), 401, 'INVALID_SIGNATURE');
    expectError(await post(grafana.webhook_url, body, headersAt(now - 3600)), 401, 'INVALID_SIGNATURE');
    expectError(await post(grafana.webhook_url, body), 401, 'INVALID_SIGNATURE');

    const plain = await integration('grafana', { signing_secret: 'grafana-hmac' });
    expect((await post(plain.webhook_url, body, { 'x-grafana-alerting-signature': createHmac('sha256', 'grafana-hmac').update(body).digest('hex') })).status).toBe(200);
  });
});

describe('deliveries', () => {
  it('answers a retried delivery id with the first answer and changes nothing', async () => {
    const generic = await integration('generic');
    const body = { delivery_id: 'retry-1', title: 'Queue backlog', dedup_key: 'queue' };
    const first = await post(generic.webhook_url, body);
    const retry = await post(generic.webhook_url, body);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ...first.body, duplicate: true });
    // Even a later resolve under the same delivery id changes nothing.
    const reused = await post(generic.webhook_url, { ...body, status: 'resolved' });
    expect(reused.body.duplicate).toBe(true);
    const detail = await incident(first.body.incidents_opened[0]);
    expect(detail.status).toBe('active');
    expect(detail.timeline.filter((e: any) => e.kind === 'alert_firing')).toHaveLength(1);
    const audit = await call(t.api, 'GET', `/audit-logs?action=INGEST_ALERTS&resource_id=${generic.id}`, { token: owner.accessToken });
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({ actor_user_id: null, resource: `integration:${generic.id}`, meta: { actor: `integration:${generic.id}`, platform: 'generic', delivery_id: 'retry-1' } });
    // The X-Delivery-ID header works the same for senders without an id in the body.
    const viaHeader = await post(generic.webhook_url, { title: 'Other' }, { 'x-delivery-id': 'hdr-1' });
    expect((await post(generic.webhook_url, { title: 'Other' }, { 'x-delivery-id': 'hdr-1' })).body).toEqual({ ...viaHeader.body, duplicate: true });
  });

  it('keeps what it cannot parse as a dead letter and answers 422', async () => {
    const am = await integration('prometheus');
    const bad = await post(am.webhook_url, { hello: 'world' }, { 'x-custom': 'kept' });
    expect(expectError(bad, 422, 'UNRECOGNIZED_PAYLOAD').detail).toMatch(/alerts/);
    expectError(await post(am.webhook_url, '{not json'), 422, 'UNRECOGNIZED_PAYLOAD');
    const letters = await call(t.api, 'GET', `/integrations/${am.id}/dead-letters`, { token: owner.accessToken });
    expect(letters.status).toBe(200);
    expect(letters.body.meta.total).toBe(2);
    const [notJson, unknownShape] = letters.body.data;
    expect(notJson).toMatchObject({ reason: 'UNRECOGNIZED_PAYLOAD', message: 'The body is not valid JSON', body: '{not json', platform: 'prometheus', truncated: false });
    expect(unknownShape).toMatchObject({ body: '{"hello":"world"}', body_bytes: 17, content_type: 'application/json', request_id: bad.body.request_id });
    expect(unknownShape.headers['x-custom']).toBe('kept');
    expect(JSON.stringify(letters.body)).not.toContain(am.secret);
    // An unauthenticated sender's garbage is not stored.
    await post(`${t.api}/webhooks/prometheus/nsw_nobody`, { junk: true });
    expect((await call(t.api, 'GET', `/integrations/${am.id}/dead-letters`, { token: owner.accessToken })).body.meta.total).toBe(2);
  });

  it('records an SNS SubscriptionConfirmation (text/plain) for a person to confirm, without fetching it', async () => {
    const cw = await integration('cloudwatch');
    const subscribeUrl = 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:1:alarms&Token=abc';
    const confirmation = { Type: 'SubscriptionConfirmation', MessageId: 'sub-1', Token: 'abc', TopicArn: 'arn:aws:sns:eu-west-1:1:alarms', Message: 'You have chosen to subscribe', SubscribeURL: subscribeUrl, Timestamp: '2026-11-20T10:00:00Z' };
    const response = await post(cw.webhook_url, JSON.stringify(confirmation), { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'SubscriptionConfirmation' });
    expect(response.status).toBe(200);
    expect(response.body.subscription).toEqual({ topic_arn: 'arn:aws:sns:eu-west-1:1:alarms', subscribe_url: subscribeUrl });
    const shown = await call(t.api, 'GET', `/integrations/${cw.id}`, { token: owner.accessToken });
    expect(shown.body.subscription).toMatchObject({ type: 'SubscriptionConfirmation', topic_arn: 'arn:aws:sns:eu-west-1:1:alarms', subscribe_url: subscribeUrl });
    // Then alarms arrive as notifications.
    const alarm = { AlarmName: 'api-5xx', AlarmArn: 'arn:aws:cloudwatch:eu-west-1:1:alarm:api-5xx', NewStateValue: 'ALARM', NewStateReason: 'Threshold Crossed', StateChangeTime: '2026-11-20T10:00:00.000+0000' };
    const fired = await post(cw.webhook_url, JSON.stringify({ Type: 'Notification', MessageId: 'n-1', TopicArn: 'arn:aws:sns:eu-west-1:1:alarms', Message: JSON.stringify(alarm) }), { 'content-type': 'text/plain; charset=UTF-8' });
    expect(fired.body.incidents_opened).toHaveLength(1);
    const ok = await post(cw.webhook_url, JSON.stringify({ Type: 'Notification', MessageId: 'n-2', Message: JSON.stringify({ ...alarm, NewStateValue: 'OK' }) }), { 'content-type': 'text/plain; charset=UTF-8' });
    expect(ok.body.incidents_resolved).toEqual(fired.body.incidents_opened);
  });

  it('refuses bodies over the size bound with 413', async () => {
    const generic = await integration('generic');
    const big = JSON.stringify({ title: 'big', description: 'x'.repeat(1_100_000) });
    expectError(await post(generic.webhook_url, big), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses media types other than JSON and text', async () => {
    const generic = await integration('generic');
    expectError(await call(generic.webhook_url, 'POST', '', { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('every platform, end to end', () => {
  for (const platform of ['datadog', 'prometheus', 'grafana', 'pagerduty', 'newrelic', 'cloudwatch', 'signoz', 'generic', 'elasticsearch']) {
    it(`${platform}: a test alert opens an incident and its resolve closes it`, async () => {
      const created = await integration(platform);
      const fired = await call(t.api, 'POST', `/integrations/${created.id}/test`, { token: owner.accessToken, body: { status: 'firing' } });
      expect(fired.status).toBe(200);
      expect(fired.body.incidents_opened).toHaveLength(1);
      const resolved = await call(t.api, 'POST', `/integrations/${created.id}/test`, { token: owner.accessToken, body: { status: 'resolved' } });
      expect(resolved.body.incidents_resolved).toEqual(fired.body.incidents_opened);
      const detail = await incident(fired.body.incidents_opened[0]);
      expect(detail).toMatchObject({ status: 'resolved' });
      expect(detail.alerts).toEqual([expect.objectContaining({ status: 'resolved', source: platform, integration_id: created.id })]);
      const audit = await call(t.api, 'GET', `/audit-logs?action=SEND_TEST_ALERT&resource_id=${created.id}`, { token: owner.accessToken });
      expect(audit.body.data.map((e: any) => e.actor_user_id)).toEqual([owner.userId, owner.userId]);
    });
  }
});

describe('alerts', () => {
  it('lists alerts with filters, never another organization\'s', async () => {
    const other = await register(t.api);
    const mine = await integration('generic');
    const theirs = await integration('generic', {}, other);
    await post(mine.webhook_url, { alerts: [{ title: 'A1', severity: 'critical' }, { title: 'A2', severity: 'low', status: 'firing' }] });
    await post(mine.webhook_url, { title: 'A2', status: 'resolved' });
    await post(theirs.webhook_url, { title: 'Theirs' });
    const all = await call(t.api, 'GET', `/alerts?integration_id=${mine.id}`, { token: owner.accessToken });
    expect(all.body.data.map((a: any) => a.title).sort()).toEqual(['A1', 'A2']);
    expect((await call(t.api, 'GET', `/alerts?integration_id=${mine.id}&status=firing`, { token: owner.accessToken })).body.data.map((a: any) => a.title)).toEqual(['A1']);
    expect((await call(t.api, 'GET', `/alerts?integration_id=${mine.id}&severity=low`, { token: owner.accessToken })).body.data.map((a: any) => a.title)).toEqual(['A2']);
    const byIncident = await call(t.api, 'GET', `/alerts?incident_id=${all.body.data[0].incident_id}`, { token: owner.accessToken });
    expect(byIncident.body.meta.total).toBeGreaterThanOrEqual(1);
    expect((await call(t.api, 'GET', `/alerts?integration_id=${mine.id}`, { token: other.accessToken })).body.data).toEqual([]);
    const theirAlerts = await call(t.api, 'GET', '/alerts', { token: other.accessToken });
    expect(theirAlerts.body.data.map((a: any) => a.title)).toEqual(['Theirs']);
  });
});

describe('live events', () => {
  it('publishes alert.received on "alerts" and incident.created on "incidents", to the integration\'s organization only', async () => {
    const other = await register(t.api);
    const generic = await integration('generic');
    const listen = async (token: string) => {
      const ticket = (await call(t.api, 'POST', '/ws/ticket', { token })).body.ticket;
      const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/v1/ws?ticket=${ticket}`);
      const messages: any[] = [];
      socket.on('message', (raw) => messages.push(JSON.parse(String(raw))));
      const until = async (predicate: (m: any) => boolean, ms = 3000) => {
        const deadline = Date.now() + ms;
        while (Date.now() < deadline) {
          const found = messages.find(predicate);
          if (found) return found;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error(`no such message; got ${JSON.stringify(messages)}`);
      };
      await until((m) => m.type === 'ready');
      socket.send(JSON.stringify({ type: 'subscribe', topics: ['alerts', 'incidents'] }));
      await until((m) => m.type === 'subscribed');
      return { socket, messages, until };
    };
    const mine = await listen(owner.accessToken);
    const theirs = await listen(other.accessToken);
    const response = await post(generic.webhook_url, { title: 'Live alert', dedup_key: 'live-1' });
    const received = await mine.until((m) => m.type === 'event' && m.event === 'alert.received');
    expect(received).toMatchObject({ topic: 'alerts', data: { dedup_key: 'live-1', status: 'firing', incident_id: response.body.incidents_opened[0] } });
    await mine.until((m) => m.type === 'event' && m.event === 'incident.created');
    expect(theirs.messages.filter((m) => m.type === 'event')).toEqual([]);
    mine.socket.close();
    theirs.socket.close();
  });
});

describe('rate limit', () => {
  it('gives each integration its own webhook budget, however its secret is sent', async () => {
    const limited = await startTestServer({ rateLimits: { ...DEFAULT_RATE_LIMITS, webhook: 3 }, rateLimitsEnabled: true });
    try {
      const account = await register(limited.api);
      const create = async (name: string) =>
        (await call(limited.api, 'POST', '/integrations', { token: account.accessToken, body: { platform: 'generic', name } })).body;
      const created = await create('rl');
      const other = await create('other');
      for (let i = 0; i < 2; i++) expect((await post(created.webhook_url, { title: `n${i}` })).status).toBe(200);
      const byHeader = await call(limited.api, 'POST', '/webhooks/generic', { headers: { 'x-nightshift-secret': created.secret }, body: { title: 'n2' } });
      expect(byHeader.status).toBe(200);
      const refused = await post(created.webhook_url, { title: 'over' });
      expectError(refused, 429, 'RATE_LIMITED');
      expect(refused.headers.get('retry-after')).toBeTruthy();
      // Every sender is 127.0.0.1 here: another integration is not starved by the first one's storm.
      expect((await post(other.webhook_url, { title: 'unaffected' })).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
