import { expect, type Page } from '@playwright/test';

/** The incident workflow as a person does it: by role, accessible name and test id. */
export class IncidentsPage {
  constructor(
    private readonly page: Page,
    private readonly screens: string,
  ) {}

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: `${this.screens}/${name}.png`, fullPage: true });
  }

  private nav(label: string) {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label });
  }

  /** Adds an integration in Settings and returns what its one-time dialog shows. */
  async addIntegration(platform: string, name: string): Promise<{ webhookUrl: string; secret: string }> {
    await this.nav('Settings').click();
    await this.page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Integrations' }).click();
    await expect(this.page.getByRole('heading', { name: 'Integrations' })).toBeVisible();
    await this.page.getByRole('button', { name: 'Add integration' }).click();
    const form = this.page.getByRole('dialog', { name: 'Add integration' });
    await form.getByLabel('Platform').selectOption({ label: platform });
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Add integration' }).click();
    const shown = this.page.getByRole('dialog', { name: 'Webhook URL and secret' });
    const webhookUrl = await shown.getByRole('textbox', { name: 'Webhook URL' }).inputValue();
    const secret = await shown.getByRole('textbox', { name: 'Webhook secret' }).inputValue();
    await this.shot('integration-secret');
    await shown.getByRole('button', { name: 'I have stored it' }).click();
    await expect(shown).toHaveCount(0);
    await expect(this.page.getByRole('table', { name: 'Integrations' }).getByText(name)).toBeVisible();
    return { webhookUrl, secret };
  }

  async openList(): Promise<void> {
    await this.nav('Incidents').click();
    await expect(this.page.getByRole('heading', { name: 'Incidents', level: 1 })).toBeVisible();
  }

  row(title: string) {
    return this.page.getByRole('table', { name: 'Incidents' }).getByRole('row').filter({ hasText: title });
  }

  async open(title: string): Promise<void> {
    await this.row(title).getByRole('link', { name: title }).click();
    await expect(this.page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  }

  timeline() {
    return this.page.getByRole('list', { name: 'Timeline' });
  }

  /** Presses `a` with focus on the page, not in a field, as the shortcut requires. */
  async acknowledgeWithKeyboard(): Promise<void> {
    await this.page.getByRole('heading', { level: 1 }).click();
    await this.page.keyboard.press('a');
    await expect(this.page.getByText(/^Acknowledged /)).toBeVisible();
    await expect(this.timeline().getByRole('listitem').filter({ hasText: 'Acknowledged' })).toHaveCount(1);
  }

  /** `r` opens the resolve dialog; the postmortem is typed into the shared code editor. */
  async resolveWithKeyboard(rootCause: string, postmortem: string): Promise<void> {
    await this.page.getByRole('heading', { level: 1 }).click();
    await this.page.keyboard.press('r');
    const dialog = this.page.getByRole('dialog', { name: 'Resolve incident' });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Root cause').fill(rootCause);
    const editor = dialog.getByRole('textbox', { name: 'Postmortem (Markdown)' });
    await editor.focus();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(postmortem);
    await expect(dialog.getByRole('region', { name: 'Postmortem preview' }).getByRole('heading', { level: 2 }).first()).toBeVisible();
    await this.shot('incident-resolve');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(this.page.getByTestId('incident-status')).toHaveText('Resolved');
  }

  async openAnalytics(): Promise<void> {
    await this.nav('Analytics').click();
    await expect(this.page.getByRole('heading', { name: 'Analytics', level: 1 })).toBeVisible();
  }
}
