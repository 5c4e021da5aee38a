import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, dialog } from 'electron';
import { CHANNELS, type SaveFileRequest, type SaveFileResult } from '../../preload/desktop-api';
import { expectRecord, expectString, IpcArgumentError } from './arguments';
import { handleFromApp } from './guard';

/** Large enough for an audit export of a few hundred thousand rows, small enough to hold in memory twice. */
export const SAVE_FILE_MAX_BYTES = 50 * 1024 * 1024;
// Folders, and characters some file system refuses: the page suggests a name, never a place.
const UNSAFE_CHARACTERS = /[\\/<>:"|?*]/;
const isUnsafeName = (name: string) =>
  name.trim() === '' || name === '.' || name === '..' || UNSAFE_CHARACTERS.test(name) || [...name].some((c) => c.charCodeAt(0) < 0x20);

export function parseSaveFileRequest(value: unknown): SaveFileRequest {
  const request = expectRecord(value, 'saveFile request', ['defaultName', 'content']);
  const defaultName = expectString(request.defaultName, 'defaultName', 255);
  if (isUnsafeName(defaultName)) {
    throw new IpcArgumentError('defaultName must be a plain file name, without folders');
  }
  const content = expectString(request.content, 'content', SAVE_FILE_MAX_BYTES);
  if (Buffer.byteLength(content, 'utf8') > SAVE_FILE_MAX_BYTES) throw new IpcArgumentError(`content must be at most ${SAVE_FILE_MAX_BYTES} bytes`);
  return { defaultName, content };
}

/** The person picks the place in a native dialog; main writes the file, so the page never names a path. */
export function registerSaveFileIpc(appUrl: string): void {
  handleFromApp(CHANNELS.saveFile, appUrl, async (event, request): Promise<SaveFileResult> => {
    const { defaultName, content } = parseSaveFileRequest(request);
    const options = { defaultPath: join(app.getPath('downloads'), defaultName) };
    const window = BrowserWindow.fromWebContents(event.sender);
    const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return { saved: false };
    await writeFile(choice.filePath, content, 'utf8');
    return { saved: true, path: choice.filePath };
  });
}
