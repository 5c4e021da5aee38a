import { mkdirSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { expect, test } from './fixtures';
import { ConsolePage } from './pages/console';

const SCREENS = 'test-results/e2e/screens';
mkdirSync(SCREENS, { recursive: true });

test('an on-call engineer sets up Nightshift: account, API key, audit, CSV, roles, sign out', async ({ page, nightshift }) => {
  const ui = new ConsolePage(page, SCREENS);
  const email = 'jane@example.com';
  const password = 'correct horse battery staple';

  await ui.register({ name: 'Jane Doe', email, password, organization: 'Night Ops' });
  await ui.signOut();
  await ui.signIn(email, password);
  await expect(page.getByRole('status', { name: 'Live updates: connected' })).toBeVisible();
  await ui.shot('incidents');

  // The key is shown once; the test uses it like any script would.
  const key = await ui.createApiKey('ci');
  expect(key).toMatch(/^nsk_[A-Za-z0-9_-]{43}$/);
  await ui.shot('api-keys');
  await expect(page.getByText(key)).toHaveCount(0);
  const call = await fetch(`${nightshift.api}/incidents`, {
    method: 'POST',
    headers: { 'X-API-Key': key, 'Content-Type': 'application/json', 'User-Agent': 'e2e-script/1.0' },
    body: JSON.stringify({ title: 'Disk full on db-1', severity: 'high' }),
  });
  expect(call.status).toBe(201);

  // That call is in the audit view, attributed to the key.
  await ui.openAudit();
  const row = page.getByRole('row').filter({ hasText: 'CREATE_INCIDENT' });
  await expect(row).toHaveCount(1);
  await ui.shot('audit');

  const csv = await ui.exportAuditCsv();
  const records = parse(csv, { columns: true }) as Record<string, string>[];
  const created = records.find((r) => r.action === 'CREATE_INCIDENT');
  expect(created?.user_agent).toBe('e2e-script/1.0');
  expect(created?.actor_token_id).not.toBe('');
  expect(records.some((r) => r.action === 'CREATE_API_KEY')).toBe(true);

  // A teammate joins through an invite, and their role changes.
  await ui.invite('sam@example.com', 'viewer');
  await ui.shot('invites');
  const token = await ui.mailedInviteToken(nightshift.api, email, password, 'sam@example.com');
  const joined = await fetch(`${nightshift.api}/auth/accept-invite`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token, name: 'Sam Lee', password: 'sam has a long one too' }),
  });
  expect(joined.status).toBe(201);
  await ui.changeRole('Sam Lee', 'engineer');
  await ui.shot('users');
  const users = await page.request.get(`${nightshift.api}/users`);
  const sam = ((await users.json()) as { data: { name: string; role: string }[] }).data.find((u) => u.name === 'Sam Lee');
  expect(sam?.role).toBe('engineer');

  // A browser has no native notifications to opt into; the page says where they come from.
  await ui.openSettings('Notifications');
  await expect(page.getByText('Native notifications come with the Nightshift desktop app')).toBeVisible();

  await ui.switchTheme();
  await ui.shot('users-dark');
  await ui.signOut();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect((await page.request.get(`${nightshift.api}/auth/me`)).status()).toBe(401);
});
