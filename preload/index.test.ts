import { describe, expect, it, vi } from 'vitest';
import { CHANNELS } from './desktop-api';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (..._args: unknown[]) => 'answer'),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  ipcRenderer: { invoke: electron.invoke },
}));

await import('./index');
const api = electron.exposed.get('nightshift') as Record<string, (...args: unknown[]) => Promise<unknown>>;

describe('preload', () => {
  it('exposes one object, window.nightshift, with exactly these methods', () => {
    expect([...electron.exposed.keys()]).toEqual(['nightshift']);
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "appVersion",
        "bootstrapSession",
        "deleteSecret",
        "getSecret",
        "notificationsEnabled",
        "notify",
        "reportOpenIncidents",
        "saveFile",
        "setNotificationsEnabled",
        "setSecret",
      ]
    `);
    expect(Object.keys(api).sort()).toEqual(Object.keys(CHANNELS).sort());
    for (const method of Object.values(api)) expect(typeof method).toBe('function');
  });

  it('sends each method on its own channel with only its own arguments', async () => {
    const calls: Array<[string, unknown[]]> = [
      ['appVersion', []],
      ['bootstrapSession', []],
      ['saveFile', [{ defaultName: 'audit.csv', content: 'a,b\n' }]],
      ['getSecret', ['sync.remote']],
      ['setSecret', ['sync.remote', 'nsk_x']],
      ['deleteSecret', ['sync.remote']],
      ['notify', [{ title: 'Incident', body: 'Redis down' }]],
      ['notificationsEnabled', []],
      ['setNotificationsEnabled', [true]],
      ['reportOpenIncidents', [3]],
    ];
    for (const [method, args] of calls) {
      electron.invoke.mockClear();
      await expect(api[method]!(...args, 'extra argument')).resolves.toBe('answer');
      expect(electron.invoke).toHaveBeenCalledExactlyOnceWith(CHANNELS[method as keyof typeof CHANNELS], ...args);
    }
  });
});
