import { describe, expect, it, vi } from 'vitest';
import { APP_VERSION_CHANNEL } from '../../preload/desktop-api';

const electron = vi.hoisted(() => ({
  app: { getVersion: () => '0.1.0' },
  ipcMain: { handlers: new Map<string, (event: any) => unknown>(), handle(channel: string, handler: (event: any) => unknown) {
    this.handlers.set(channel, handler);
  } },
}));
vi.mock('electron', () => electron);

const { registerAppInfoIpc } = await import('./app-info');

describe('app version IPC', () => {
  registerAppInfoIpc('http://127.0.0.1:4123/');
  const handler = electron.ipcMain.handlers.get(APP_VERSION_CHANNEL)!;

  it('answers the app page', () => {
    expect(handler({ senderFrame: { url: 'http://127.0.0.1:4123/incidents' } })).toBe('0.1.0');
  });

  it('refuses other origins and destroyed frames', () => {
    expect(() => handler({ senderFrame: { url: 'https://evil.example/' } })).toThrow(/not the Nightshift app/);
    expect(() => handler({ senderFrame: null })).toThrow(/not the Nightshift app/);
  });
});
