import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { appMenuTemplate } from './app-menu';

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}
const byRole = (template: MenuItemConstructorOptions[], role: string) => items(template).filter((item) => item.role === role);

describe('application menu', () => {
  const options = { appName: 'Nightshift', showAbout: vi.fn() };

  it('has reload and quit with their shortcuts, on every platform', () => {
    for (const isMac of [true, false]) {
      const template = appMenuTemplate({ ...options, isMac, isDev: false });
      expect(byRole(template, 'reload')).toEqual([expect.objectContaining({ accelerator: 'CmdOrCtrl+R' })]);
      expect(byRole(template, 'quit')).toEqual([expect.objectContaining({ accelerator: 'CmdOrCtrl+Q', label: 'Quit Nightshift' })]);
      expect(byRole(template, 'editMenu')).toHaveLength(1);
    }
  });

  it('offers developer tools only in development', () => {
    expect(byRole(appMenuTemplate({ ...options, isMac: false, isDev: false }), 'toggleDevTools')).toEqual([]);
    expect(byRole(appMenuTemplate({ ...options, isMac: false, isDev: true }), 'toggleDevTools')).toEqual([expect.objectContaining({ accelerator: 'Ctrl+Shift+I' })]);
    expect(byRole(appMenuTemplate({ ...options, isMac: true, isDev: true }), 'toggleDevTools')).toEqual([expect.objectContaining({ accelerator: 'Alt+Cmd+I' })]);
  });

  it('has an About item (app menu on macOS, Help elsewhere) that shows the about panel', () => {
    for (const isMac of [true, false]) {
      const template = appMenuTemplate({ ...options, isMac, isDev: false });
      const about = items(template).filter((item) => item.label === 'About Nightshift');
      expect(about).toHaveLength(1);
      (about[0]!.click as () => void)();
      expect(template.map((item) => item.label)).toContain(isMac ? 'Nightshift' : 'Help');
    }
    expect(options.showAbout).toHaveBeenCalledTimes(2);
  });
});
