import { expect, type Locator, type Page } from '@playwright/test';

/** Writing and running runbooks as a person does it: by role, accessible name and keyboard. */
export class RunbooksPage {
  constructor(
    private readonly page: Page,
    private readonly screens: string,
  ) {}

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: `${this.screens}/${name}.png`, fullPage: true });
  }

  async openLibrary(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runbooks' }).click();
    await expect(this.page.getByRole('heading', { name: 'Runbooks', level: 1 })).toBeVisible();
  }

  /** Step `n` (from 1) of the editor. */
  step(n: number): Locator {
    return this.page.getByRole('group', { name: `Step ${n}`, exact: true });
  }

  async addStep(kind: 'Manual' | 'Command' | 'HTTP check' | 'Wait'): Promise<void> {
    await this.page.locator('.add-step').getByRole('button', { name: kind, exact: true }).click();
  }

  /** Replaces the text of a Monaco editor, found by its accessible name. */
  async typeInEditor(name: string, text: string): Promise<void> {
    const editor = this.page.getByRole('textbox', { name });
    await expect(editor).toBeAttached();
    await editor.focus();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(text);
  }

  /** The execution view's step list. */
  steps(): Locator {
    return this.page.getByRole('listbox', { name: 'Steps' });
  }

  stepOption(title: string): Locator {
    return this.steps().getByRole('option').filter({ hasText: title });
  }

  /** Presses a key with focus on the page (not in a field), as the execution view's shortcuts require. */
  async press(key: string): Promise<void> {
    await this.steps().focus();
    await this.page.keyboard.press(key);
  }
}
