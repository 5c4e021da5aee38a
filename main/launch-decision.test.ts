import { describe, expect, it } from 'vitest';
import { decideLaunch } from './launch-decision';

const binary = { electronPath: '/app/node_modules/electron/dist/electron', binaryExists: true };

describe('decideLaunch', () => {
  it('opens the desktop app where the binary and a display exist', () => {
    expect(decideLaunch({ platform: 'linux', env: { DISPLAY: ':0' }, ...binary })).toEqual({ mode: 'desktop', electronPath: binary.electronPath });
    expect(decideLaunch({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, ...binary })).toMatchObject({ mode: 'desktop' });
  });

  it('counts macOS and Windows as always having a display', () => {
    expect(decideLaunch({ platform: 'darwin', env: {}, ...binary })).toMatchObject({ mode: 'desktop' });
    expect(decideLaunch({ platform: 'win32', env: {}, ...binary })).toMatchObject({ mode: 'desktop' });
  });

  it('runs headless, saying why in one line, without a binary', () => {
    const expected = {
      mode: 'headless',
      message: 'Electron is not available here (no binary: run node node_modules/electron/install.js where downloads work); starting the console headless.',
    };
    expect(decideLaunch({ platform: 'linux', env: { DISPLAY: ':0' }, electronPath: undefined, binaryExists: false })).toEqual(expected);
    // The package names a path, but the download never happened there.
    expect(decideLaunch({ platform: 'darwin', env: {}, electronPath: binary.electronPath, binaryExists: false })).toEqual(expected);
  });

  it('runs headless, saying why in one line, without a display', () => {
    for (const env of [{}, { DISPLAY: '' }, { WAYLAND_DISPLAY: '' }]) {
      expect(decideLaunch({ platform: 'linux', env, ...binary })).toEqual({
        mode: 'headless',
        message: 'Electron is not available here (no display: neither DISPLAY nor WAYLAND_DISPLAY is set); starting the console headless.',
      });
    }
    expect(decideLaunch({ platform: 'freebsd', env: {}, ...binary })).toMatchObject({ mode: 'headless' });
  });

  it('never prints more than one line', () => {
    for (const decision of [decideLaunch({ platform: 'linux', env: {}, ...binary }), decideLaunch({ platform: 'linux', env: {}, electronPath: undefined, binaryExists: false })]) {
      expect(decision.mode === 'headless' && decision.message.includes('\n')).toBe(false);
    }
  });
});
