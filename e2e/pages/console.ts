import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

/** What a person does in the console, by role and accessible name, so specs read as steps. */
export class ConsolePage {
  constructor(
    private readonly page: Page,
    private readonly screens: string,
  ) {}

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: `${this.screens}/${name}.png`, fullPage: true });
  }

  async register(input: { name: string; email: string; password: string; organization: string }): Promise<void> {
    await this.page.goto('/register');
    await this.page.getByLabel('Your name').fill(input.name);
    await this.page.getByLabel('Email').fill(input.email);
    await this.page.getByLabel('Password').fill(input.password);
    await this.page.getByLabel('Organization name').fill(input.organization);
    await this.shot('register');
    await this.page.getByRole('button', { name: 'Create account' }).click();
    await expect(this.page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  }

  async signIn(email: string, password: string): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.shot('sign-in');
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(this.page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(this.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  }

  async openSettings(section: 'API keys' | 'Users and roles' | 'Invites' | 'Organization' | 'Notifications'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await this.page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: section }).click();
    await expect(this.page.getByRole('heading', { name: section })).toBeVisible();
  }

  /** Creates a key and returns its secret, read from the one dialog that shows it. */
  async createApiKey(name: string): Promise<string> {
    await this.openSettings('API keys');
    await this.page.getByRole('button', { name: 'Create API key' }).click();
    const form = this.page.getByRole('dialog', { name: 'Create API key' });
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Create key' }).click();
    const shown = this.page.getByRole('dialog', { name: 'Your new API key' });
    const secret = await shown.getByRole('textbox', { name: 'API key secret' }).inputValue();
    await this.shot('api-key-secret');
    await shown.getByRole('button', { name: 'I have stored it' }).click();
    await expect(shown).toHaveCount(0);
    return secret;
  }

  async openAudit(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await expect(this.page.getByRole('table', { name: 'Audit log' })).toBeVisible();
  }

  async exportAuditCsv(): Promise<string> {
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Export CSV' }).click();
    const path = await (await download).path();
    return readFileSync(path, 'utf8');
  }

  async invite(email: string, role: string): Promise<void> {
    await this.openSettings('Invites');
    const form = this.page.getByRole('form', { name: 'Invite someone' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Role').selectOption(role);
    await form.getByRole('button', { name: 'Send invite' }).click();
    await expect(this.page.getByRole('button', { name: `Revoke invite for ${email}` })).toBeVisible();
  }

  /** Without SMTP the invitation waits in the local outbox, which an admin reads through the API. */
  async mailedInviteToken(api: string, email: string, password: string, to: string): Promise<string> {
    const login = await this.page.request.post(`${api}/auth/login`, { data: { email, password } });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const outbox = await this.page.request.get(`${api}/admin/outbox`, { headers: { Authorization: `Bearer ${token}` } });
    const mail = ((await outbox.json()) as { data: { recipient: string; body: string }[] }).data.find((m) => m.recipient === to);
    const match = /token=([A-Za-z0-9_-]{43})/.exec(mail?.body ?? '');
    if (!match) throw new Error(`no invitation mailed to ${to}`);
    return match[1]!;
  }

  async changeRole(person: string, role: string): Promise<void> {
    await this.openSettings('Users and roles');
    await this.page.getByRole('combobox', { name: `Role for ${person}` }).selectOption(role);
    await expect(this.page.getByRole('combobox', { name: `Role for ${person}` })).toHaveValue(role);
  }

  async switchTheme(): Promise<void> {
    const toggle = this.page.getByRole('switch', { name: 'Dark mode' });
    const before = await toggle.getAttribute('aria-checked');
    await toggle.click();
    await expect(toggle).not.toHaveAttribute('aria-checked', before ?? '');
  }
}
