import { expect, test } from './fixtures';
import { ConsolePage } from './pages/console';

test('a list longer than a page loads as it scrolls and keeps few rows in the DOM', async ({ page, nightshift }) => {
  const ui = new ConsolePage(page, 'test-results/e2e/screens');
  await ui.register({ name: 'Lee Stone', email: 'lee@example.com', password: 'correct horse battery staple', organization: 'Many Keys' });
  const login = await page.request.post(`${nightshift.api}/auth/login`, { data: { email: 'lee@example.com', password: 'correct horse battery staple' } });
  const { access_token: token } = (await login.json()) as { access_token: string };
  for (let i = 1; i <= 130; i++) {
    const key = await page.request.post(`${nightshift.api}/api-keys`, { headers: { Authorization: `Bearer ${token}` }, data: { name: `agent ${String(i).padStart(3, '0')}` } });
    expect(key.status()).toBe(201);
  }

  await ui.openSettings('API keys');
  const table = page.getByRole('table', { name: 'API keys' });
  await expect(table).toHaveAttribute('aria-rowcount', '131');
  // Newest first: the oldest key is the 130th row, beyond the first page of 100.
  const oldest = page.getByRole('button', { name: 'Revoke agent 001' });
  for (let i = 0; i < 40 && !(await oldest.isVisible()); i++) await table.locator('..').evaluate((el) => el.scrollBy(0, 2000));
  await expect(oldest).toBeVisible();
  expect(await table.getByRole('row').count()).toBeLessThanOrEqual(60);
});
