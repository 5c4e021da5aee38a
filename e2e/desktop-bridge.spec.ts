import { expect, test } from './fixtures';
import { ConsolePage } from './pages/console';

// The console as the desktop shell runs it: window.nightshift stands in for the preload bridge (whose
// own behaviour main/ and preload/ unit-test), so this checks what the console asks of the desktop.
test('in the desktop, a new incident raises a notification and the tray count follows', async ({ page, nightshift }) => {
  await page.addInitScript(() => {
    const calls: { notify: unknown[]; counts: (number | null)[] } = { notify: [], counts: [] };
    Object.assign(globalThis, {
      __desktopCalls: calls,
      nightshift: {
        appVersion: async () => '0.0.0-test',
        notify: async (notification: unknown) => (calls.notify.push(notification), true),
        notificationsEnabled: async () => true,
        setNotificationsEnabled: async () => undefined,
        reportOpenIncidents: async (count: number | null) => void calls.counts.push(count),
      },
    });
  });
  const ui = new ConsolePage(page, 'test-results/e2e/screens');
  await ui.register({ name: 'Dee Sktop', email: 'dee@example.com', password: 'correct horse battery staple', organization: 'Desk Ops' });
  await expect(page.getByRole('status', { name: 'Live updates: connected' })).toBeVisible();

  const session = await page.request.post(`${nightshift.api}/auth/login`, { data: { email: 'dee@example.com', password: 'correct horse battery staple' } });
  const { access_token: token } = (await session.json()) as { access_token: string };
  const created = await page.request.post(`${nightshift.api}/incidents`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { title: 'Queue backlog over 10k', severity: 'critical' },
  });
  expect(created.status()).toBe(201);

  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __desktopCalls: { notify: unknown[] } }).__desktopCalls.notify)).toEqual([
    { title: 'New critical incident', body: 'Queue backlog over 10k' },
  ]);
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __desktopCalls: { counts: (number | null)[] } }).__desktopCalls.counts.at(-1))).toBe(1);

  await ui.signOut();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { __desktopCalls: { counts: (number | null)[] } }).__desktopCalls.counts.at(-1))).toBeNull();
});
