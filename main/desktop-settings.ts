import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What the desktop shell remembers between launches (the server keeps everything else). */
export interface DesktopSettingsData {
  /** The person opted into native notifications; off until they do. */
  notificationsEnabled: boolean;
  /** The port the embedded server last listened on, asked for again so the app's origin stays stable. */
  serverPort?: number;
  /** Which secret store was chosen on first use; kept so secrets never silently move between stores. */
  secretStore?: 'keychain' | 'file';
}

export interface DesktopSettings {
  get(): DesktopSettingsData;
  update(change: Partial<DesktopSettingsData>): Promise<void>;
}

const DEFAULTS: DesktopSettingsData = { notificationsEnabled: false };

function sanitize(raw: unknown): DesktopSettingsData {
  const value = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const settings: DesktopSettingsData = { notificationsEnabled: value.notificationsEnabled === true };
  const port = value.serverPort;
  if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65535) settings.serverPort = port;
  if (value.secretStore === 'keychain' || value.secretStore === 'file') settings.secretStore = value.secretStore;
  return settings;
}

/** A missing or unreadable file means defaults: losing these preferences is harmless, refusing to start is not. */
export async function loadDesktopSettings(file: string): Promise<DesktopSettings> {
  let data: DesktopSettingsData;
  try {
    data = sanitize(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    data = { ...DEFAULTS };
  }
  let writes: Promise<void> = Promise.resolve();
  return {
    get: () => ({ ...data }),
    update(change) {
      data = sanitize({ ...data, ...change });
      const snapshot = `${JSON.stringify(data, null, 2)}\n`;
      writes = writes.then(async () => {
        await mkdir(dirname(file), { recursive: true });
        const temp = `${file}.${randomUUID()}.tmp`;
        try {
          await writeFile(temp, snapshot, { mode: 0o600 });
          await rename(temp, file);
        } catch (error) {
          await unlink(temp).catch(() => undefined);
          throw error;
        }
      });
      return writes;
    },
  };
}
