/**
 * The one contract between the renderer and the desktop shell, exposed as `window.nightshift`.
 * One method per OS capability; never a generic invoke(channel, ...args). This file holds only types
 * and channel names so that main, preload and (type-only) the renderer can all import it.
 */
export interface DesktopApi {
  appVersion(): Promise<string>;
}

export const APP_VERSION_CHANNEL = 'nightshift:app-version';
