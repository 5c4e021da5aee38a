/**
 * The one contract between the renderer and the desktop shell, exposed as `window.nightshift`.
 * One method per OS capability; never a generic invoke(channel, ...args). This file holds only types
 * and channel names so that main, preload and (type-only) the renderer can all import it.
 * Main checks every call's sender and arguments; a refused call rejects with an Error.
 */
export interface DesktopApi {
  appVersion(): Promise<string>;
  /**
   * The one-time token the embedded server minted for the local owner, to exchange for a session.
   * Handed out once per server start: later calls (and other pages) get null.
   */
  bootstrapSession(): Promise<{ token: string } | null>;
  /** A native save dialog, then main writes `content` (UTF-8, at most 50 MiB) to the chosen file. */
  saveFile(request: SaveFileRequest): Promise<SaveFileResult>;
  /** Secrets in the OS keychain (or the encrypted-file store). Names: 1-128 of A-Z a-z 0-9 . _ : @ / - */
  getSecret(name: string): Promise<string | null>;
  /** Values are at most 2,560 bytes of UTF-8. */
  setSecret(name: string, value: string): Promise<void>;
  /** Whether there was a secret to delete. */
  deleteSecret(name: string): Promise<boolean>;
  /** Shows a native notification if the person opted in; resolves to whether it was shown. */
  notify(notification: DesktopNotification): Promise<boolean>;
  notificationsEnabled(): Promise<boolean>;
  setNotificationsEnabled(enabled: boolean): Promise<void>;
  /** The number of open (not resolved) incidents for the tray; null when not known (e.g. signed out). */
  reportOpenIncidents(count: number | null): Promise<void>;
}

export interface SaveFileRequest {
  /** A file name without folders, e.g. "audit-2026-11-23.csv"; at most 255 characters. */
  defaultName: string;
  content: string;
}

export interface SaveFileResult {
  saved: boolean;
  path?: string;
}

export interface DesktopNotification {
  /** At most 200 characters. */
  title: string;
  /** At most 2,000 characters. */
  body: string;
}

/** One IPC channel per method, and a method for every channel. */
export const CHANNELS = {
  appVersion: 'nightshift:app-version',
  bootstrapSession: 'nightshift:bootstrap-session',
  saveFile: 'nightshift:save-file',
  getSecret: 'nightshift:get-secret',
  setSecret: 'nightshift:set-secret',
  deleteSecret: 'nightshift:delete-secret',
  notify: 'nightshift:notify',
  notificationsEnabled: 'nightshift:notifications-enabled',
  setNotificationsEnabled: 'nightshift:set-notifications-enabled',
  reportOpenIncidents: 'nightshift:report-open-incidents',
} as const satisfies Record<keyof DesktopApi, `nightshift:${string}`>;
