import { mkdirSync } from 'node:fs';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';
import { ConsolePage } from './pages/console';
import { IncidentsPage } from './pages/incidents';

const SCREENS = 'test-results/e2e/screens';
mkdirSync(SCREENS, { recursive: true });
const PASSWORD = 'correct horse battery staple';

async function signedInApi(request: APIRequestContext, api: string, email: string) {
  const login = await request.post(`${api}/auth/login`, { data: { email, password: PASSWORD } });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const headers = { Authorization: `Bearer ${token}` };
  return {
    post: async (path: string, data: unknown) => {
      const response = await request.post(`${api}${path}`, { headers, data });
      expect(response.status(), `POST ${path}`).toBeLessThan(300);
      return (await response.json()) as { id: string };
    },
  };
}

const desktopStub = () => {
  const calls: { notify: { title: string; body: string }[]; counts: (number | null)[] } = { notify: [], counts: [] };
  Object.assign(globalThis, {
    __desktopCalls: calls,
    nightshift: {
      appVersion: async () => '0.0.0-test',
      notify: async (notification: { title: string; body: string }) => (calls.notify.push(notification), true),
      notificationsEnabled: async () => true,
      setNotificationsEnabled: async () => undefined,
      reportOpenIncidents: async (count: number | null) => void calls.counts.push(count),
    },
  });
};
type DesktopCalls = { notify: { title: string; body: string }[]; counts: (number | null)[] };

/** One Alertmanager (version 4) notification, as `webhook_configs` sends it. */
function alertmanagerPayload(status: 'firing' | 'resolved', alerts: { name: string; summary: string; severity: string; fingerprint: string }[]) {
  const now = new Date();
  return {
    version: '4',
    groupKey: '{}:{alertname="DiskFull"}',
    truncatedAlerts: 0,
    status,
    receiver: 'nightshift',
    groupLabels: { alertname: 'DiskFull' },
    commonLabels: { alertname: 'DiskFull' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((alert) => ({
      status,
      labels: { alertname: alert.name, severity: alert.severity, instance: 'db-1:9100' },
      annotations: { summary: alert.summary, description: 'Less than 1% free on /var/lib/postgresql' },
      startsAt: new Date(now.getTime() - 60_000).toISOString(),
      endsAt: status === 'resolved' ? now.toISOString() : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=disk_free',
      fingerprint: alert.fingerprint,
    })),
  };
}

test('an alert posted to the webhook appears live, is acknowledged with the keyboard, resolved with a postmortem, and counted', async ({ page }) => {
  await page.addInitScript(desktopStub);
  const calls = () => page.evaluate(() => (globalThis as unknown as { __desktopCalls: DesktopCalls }).__desktopCalls);
  const ui = new ConsolePage(page, SCREENS);
  const incidents = new IncidentsPage(page, SCREENS);
  await ui.register({ name: 'Jane Doe', email: 'jane@example.com', password: PASSWORD, organization: 'Night Ops' });
  const { webhookUrl } = await incidents.addIntegration('Prometheus Alertmanager', 'Production Alertmanager');
  expect(webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/webhooks\/prometheus\/.+/);

  await incidents.openList();
  await expect(page.getByText('No incidents yet.')).toBeVisible();
  await expect(page.getByRole('status', { name: 'Live updates: connected' })).toBeVisible();

  // The sender needs nothing but the URL: the secret is in it.
  const delivered = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(alertmanagerPayload('firing', [{ name: 'DiskFull', summary: 'Disk full on db-1', severity: 'critical', fingerprint: 'a1b2c3d4e5f60718' }])),
  });
  expect(delivered.status).toBe(200);

  // Live: the row arrives without a reload, the desktop is told, and the tray counts it.
  await expect(incidents.row('Disk full on db-1')).toHaveCount(1);
  await expect(incidents.row('Disk full on db-1')).toContainText('prometheus');
  await expect.poll(async () => (await calls()).notify).toEqual([{ title: 'New critical incident', body: 'Disk full on db-1' }]);
  await expect.poll(async () => (await calls()).counts.at(-1)).toBe(1);
  await incidents.shot('incident-live');

  await incidents.open('Disk full on db-1');
  await expect(page.getByRole('list', { name: 'Alerts' }).getByRole('listitem')).toContainText('Firing');
  await expect(page.getByRole('list', { name: 'Alerts' })).toContainText('alertname=DiskFull');
  await incidents.acknowledgeWithKeyboard();
  await incidents.resolveWithKeyboard('The WAL archive volume filled after archiving stalled.', '## Summary\n\nArchiving stalled and **/var** filled.\n\n## Actions\n\n- [x] Freed space\n- [ ] Alert on archive lag\n');
  await expect(page.getByRole('region', { name: 'Postmortem', exact: true }).getByRole('heading', { name: 'Summary' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Root cause' })).toContainText('archiving stalled');
  const story = incidents.timeline();
  for (const kind of ['Opened', 'Acknowledged', 'Resolved']) await expect(story.getByRole('listitem').filter({ hasText: kind }).first()).toBeVisible();
  await expect.poll(async () => (await calls()).counts.at(-1)).toBe(0);
  await incidents.shot('incident-resolved');

  // Analytics counts it: in the totals and in the chart's own numbers for today (UTC).
  await incidents.openAnalytics();
  await expect(page.getByTestId('stat-incidents').getByRole('definition')).toHaveText('1');
  await expect(page.getByTestId('stat-resolved').getByRole('definition')).toHaveText('1');
  const chart = page.getByRole('table', { name: 'Incidents opened' });
  const today = chart.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new Date().toISOString().slice(0, 10) }) });
  await expect(today.getByRole('cell').first()).toHaveText('1');
  await incidents.shot('analytics');
});

test('an engineer works incidents: URL filters, a saved view, updates, severity, services and a postmortem', async ({ page, nightshift }) => {
  const ui = new ConsolePage(page, SCREENS);
  const incidents = new IncidentsPage(page, SCREENS);
  await ui.register({ name: 'Ada Ops', email: 'ada@example.com', password: PASSWORD, organization: 'Filter Ops' });
  const api = await signedInApi(page.request, nightshift.api, 'ada@example.com');
  const checkout = await api.post('/services', { name: 'Checkout API' });
  await api.post('/incidents', { title: 'Checkout latency over 2s', severity: 'high', description: 'p99 latency alert' });
  await api.post('/incidents', { title: 'Disk full on db-1', severity: 'critical' });
  await api.post('/incidents', { title: 'Flaky cron job', severity: 'low' });

  await incidents.openList();
  await expect(page.getByRole('table', { name: 'Incidents' })).toHaveAttribute('aria-rowcount', '4');

  // Filters go to the URL; a reload keeps them.
  await page.getByRole('form', { name: 'Incident filters' }).getByRole('combobox', { name: 'Severity' }).selectOption('critical');
  await expect(page).toHaveURL(/severity=critical/);
  await expect(incidents.row('Disk full on db-1')).toHaveCount(1);
  await expect(incidents.row('Flaky cron job')).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('form', { name: 'Incident filters' }).getByRole('combobox', { name: 'Severity' })).toHaveValue('critical');
  await expect(page.getByRole('table', { name: 'Incidents' })).toHaveAttribute('aria-rowcount', '2');

  // A saved view brings the filters back after they are cleared.
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.getByRole('dialog', { name: 'Save view' }).getByLabel('Name').fill('Critical only');
  await page.getByRole('dialog', { name: 'Save view' }).getByRole('button', { name: 'Save' }).click();
  await page.getByRole('form', { name: 'Incident filters' }).getByRole('button', { name: 'Clear' }).click();
  await expect(page).not.toHaveURL(/severity=/);
  await expect(page.getByRole('table', { name: 'Incidents' })).toHaveAttribute('aria-rowcount', '4');
  await page.getByRole('combobox', { name: 'Saved view' }).selectOption({ label: 'Critical only' });
  await expect(page).toHaveURL(/severity=critical/);
  await page.getByRole('form', { name: 'Incident filters' }).getByRole('button', { name: 'Clear' }).click();

  // Words search title and description.
  await page.getByRole('form', { name: 'Incident filters' }).getByLabel('Search').fill('latency');
  await page.getByRole('form', { name: 'Incident filters' }).getByLabel('Search').press('Enter');
  await expect(page).toHaveURL(/search=latency/);
  await expect(page.getByRole('table', { name: 'Incidents' })).toHaveAttribute('aria-rowcount', '2');
  await incidents.shot('incidents-filtered');

  await incidents.open('Checkout latency over 2s');
  // An internal update that also moves the status.
  await page.getByRole('button', { name: 'Post update' }).click();
  const update = page.getByRole('dialog', { name: 'Post update' });
  await update.getByLabel('Update').fill('Rolled back the 14:02 deploy.');
  await update.getByLabel('Internal: the team only').check();
  await update.getByRole('combobox', { name: 'Status' }).selectOption('identified');
  await update.getByRole('button', { name: 'Post update' }).click();
  await expect(incidents.timeline().getByRole('listitem').filter({ hasText: 'Rolled back the 14:02 deploy.' })).toContainText('internal');
  await expect(page.getByTestId('incident-status')).toHaveText('Identified');

  // Properties change in place and land on the timeline.
  const properties = page.getByRole('complementary', { name: 'Incident properties' });
  await properties.getByRole('combobox', { name: 'Severity' }).selectOption('critical');
  await expect(incidents.timeline().getByRole('listitem').filter({ hasText: /critical/i })).not.toHaveCount(0);
  await properties.getByRole('combobox', { name: 'Assignee' }).selectOption({ label: 'Ada Ops' });
  await expect(properties.getByRole('combobox', { name: 'Assignee' })).toHaveValue(/.+/);
  await properties.getByRole('button', { name: 'Link services' }).click();
  const linking = page.getByRole('dialog', { name: 'Affected services' });
  await linking.getByLabel('Checkout API').check();
  await linking.getByRole('button', { name: 'Save' }).click();
  await expect(linking).toHaveCount(0);
  await expect(properties.getByRole('listitem').filter({ hasText: 'Checkout API' })).toBeVisible();
  await properties.getByRole('combobox', { name: 'Impact' }).selectOption('major_outage');
  await expect(properties.getByRole('combobox', { name: 'Impact' })).toHaveValue('major_outage');

  // The postmortem is markdown, previewed sanitized: raw HTML never reaches the page.
  await page.getByRole('button', { name: 'Write postmortem' }).click();
  const editor = page.getByRole('textbox', { name: 'Postmortem (Markdown)' });
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('## What happened\n\nA bad deploy. <img src=x onerror="window.__pwned=1"> [dashboard](javascript:alert(1))\n');
  await expect(page.getByRole('region', { name: 'Postmortem preview' }).getByRole('heading', { name: 'What happened' })).toBeVisible();
  await page.getByRole('button', { name: 'Save postmortem' }).click();
  await expect(page.getByRole('region', { name: 'Postmortem preview' })).toHaveCount(0);
  const saved = page.getByRole('region', { name: 'Postmortem', exact: true });
  await expect(saved.getByRole('heading', { name: 'What happened' })).toBeVisible();
  await expect(saved.locator('img')).toHaveCount(0);
  await expect(saved.getByRole('link', { name: 'dashboard' })).toHaveCount(0);
  expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await incidents.shot('incident-detail');

  // The services page shows the outage in its uptime bars.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Services' }).click();
  const row = page.getByRole('table', { name: 'Services' }).getByRole('row').filter({ hasText: 'Checkout API' });
  await expect(row.getByRole('meter', { name: 'Uptime, 24 hours' })).toHaveAttribute('aria-valuenow', /^\d/);
  await incidents.shot('services');

  // A notification rule narrows what reaches this person to one service.
  await ui.openSettings('Notifications');
  const rule = page.getByRole('form', { name: 'Add a notification rule' });
  await rule.getByLabel('Name (optional)').fill('Checkout pages me');
  await rule.getByLabel('High').check();
  await rule.getByLabel('Checkout API').check();
  await rule.getByRole('button', { name: 'Add rule' }).click();
  const added = page.getByRole('table', { name: 'Notification rules' }).getByRole('row').filter({ hasText: 'Checkout pages me' });
  await expect(added).toContainText('critical');
  await expect(added).toContainText('high');
  await expect(added).toContainText('Checkout API');
  const rules = await page.request.get(`${nightshift.api}/notifications/rules`);
  expect(((await rules.json()) as { data: { service_ids: string[] }[] }).data[0]?.service_ids).toEqual([checkout.id]);
});

test('an integration sends a test alert from Settings, and an unreadable delivery lands in its dead letters, and its secret rotates', async ({ page }) => {
  const ui = new ConsolePage(page, SCREENS);
  const incidents = new IncidentsPage(page, SCREENS);
  await ui.register({ name: 'Ravi Root', email: 'ravi@example.com', password: PASSWORD, organization: 'Hook Ops' });
  const { webhookUrl } = await incidents.addIntegration('Grafana', 'Grafana alerts');

  await page.getByRole('button', { name: 'Send a test alert to Grafana alerts' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Test alert delivered to Grafana alerts.' })).toBeVisible();
  await page.getByRole('link', { name: 'Open its incident' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nightshift test alert');
  await expect(page.getByRole('list', { name: 'Alerts' })).toContainText('from grafana');

  const refused = await fetch(webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ hello: 'not an alert' }) });
  expect(refused.status).toBe(422);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Integrations' }).click();
  await expect(page.getByRole('table', { name: 'Integrations' }).getByRole('row').filter({ hasText: 'Grafana alerts' })).not.toContainText('Never');
  await page.getByRole('button', { name: 'Dead letters of Grafana alerts' }).click();
  const dialog = page.getByRole('dialog', { name: 'Dead letters of Grafana alerts' });
  const letter = dialog.getByRole('table', { name: 'Dead letters' }).getByRole('row').nth(1);
  await expect(letter).toBeVisible();
  await letter.click();
  await expect(dialog.getByRole('region', { name: 'Dead letter payload' })).toContainText('{"hello":"not an alert"}');
  await incidents.shot('dead-letters');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Rotating shows a new URL once; the old one stops working at once.
  await page.getByRole('button', { name: 'Rotate the secret of Grafana alerts' }).click();
  await page.getByRole('dialog', { name: 'Rotate the secret of Grafana alerts?' }).getByRole('button', { name: 'Rotate secret' }).click();
  const shown = page.getByRole('dialog', { name: 'Webhook URL and secret' });
  const rotatedUrl = await shown.getByRole('textbox', { name: 'Webhook URL' }).inputValue();
  expect(rotatedUrl).not.toBe(webhookUrl);
  await shown.getByRole('button', { name: 'I have stored it' }).click();
  const test = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ alerts: [] }) };
  expect((await fetch(webhookUrl, test)).status).toBe(401);
  expect((await fetch(rotatedUrl, test)).status).toBeLessThan(500);
  expect((await fetch(rotatedUrl, test)).status).not.toBe(401);
});
