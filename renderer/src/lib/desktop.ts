import type { DesktopApi, SaveFileRequest, SaveFileResult } from '../../../preload/desktop-api';

declare global {
  interface Window {
    nightshift?: Partial<DesktopApi>;
  }
}

/**
 * The desktop shell's API, or undefined in a plain browser. Partial: a shell built before a capability
 * existed lacks it, so every use feature-detects at run time.
 */
export const desktop: Partial<DesktopApi> | undefined = window.nightshift;

export function desktopSaveFile(): ((request: SaveFileRequest) => Promise<SaveFileResult>) | undefined {
  const api = desktop;
  return typeof api?.saveFile === 'function' ? (request) => api.saveFile!(request) : undefined;
}

/** Tells the shell's tray how many incidents are open; a no-op in a browser or an older shell. */
export function reportOpenIncidents(count: number | null): void {
  const api = desktop;
  if (typeof api?.reportOpenIncidents === 'function') void api.reportOpenIncidents(count).catch(() => undefined);
}
