import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { isAppUrl } from '../app-url';

/** Throws unless the call comes from a frame showing the app, so a page that got into some frame gets nothing. */
export function assertAppSender(event: IpcMainInvokeEvent, appUrl: string): void {
  const frameUrl = event.senderFrame?.url;
  if (frameUrl === undefined || !isAppUrl(frameUrl, appUrl)) {
    throw new Error('IPC refused: the sender is not the Nightshift app');
  }
}

/** ipcMain.handle for a channel only the app may call; arguments arrive unchecked, as `unknown`. */
export function handleFromApp(
  channel: string,
  appUrl: string,
  handler: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown,
): void {
  ipcMain.handle(channel, (event, ...args: unknown[]) => {
    assertAppSender(event, appUrl);
    return handler(event, ...args);
  });
}
