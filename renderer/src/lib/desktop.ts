import type { DesktopApi } from '../../../preload/desktop-api';

declare global {
  interface Window {
    nightshift?: DesktopApi;
  }
}

/** The desktop shell's API, or undefined when the console runs in a plain browser. */
export const desktop: DesktopApi | undefined = window.nightshift;
