/** What `npm start` should run here: the desktop app, or the same console headless. Pure, for tests. */
export type LaunchDecision = { mode: 'desktop'; electronPath: string } | { mode: 'headless'; message: string };

export interface LaunchEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** What require('electron') gave in plain Node (the binary's path), or undefined when it threw. */
  electronPath: string | undefined;
  binaryExists: boolean;
}

const headless = (why: string): LaunchDecision => ({
  mode: 'headless',
  message: `Electron is not available here (${why}); starting the console headless.`,
});

export function decideLaunch({ platform, env, electronPath, binaryExists }: LaunchEnvironment): LaunchDecision {
  if (!electronPath || !binaryExists) return headless('no binary: run node node_modules/electron/install.js where downloads work');
  // macOS and Windows always have a display; elsewhere a window needs X11 or Wayland.
  const hasDisplay = platform === 'darwin' || platform === 'win32' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  if (!hasDisplay) return headless('no display: neither DISPLAY nor WAYLAND_DISPLAY is set');
  return { mode: 'desktop', electronPath };
}
