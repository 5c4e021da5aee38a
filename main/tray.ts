import { Menu, nativeImage, Tray } from 'electron';
import { trayLabel } from './tray-label';

export interface AppTray {
  setOpenIncidents(count: number | null): void;
}

export interface TrayOptions {
  /** resources/tray.png; Electron picks tray@2x.png beside it on high-density screens. */
  iconPath: string;
  onOpen(): void;
  onQuit(): void;
}

export function createTray({ iconPath, onOpen, onQuit }: TrayOptions): AppTray {
  const tray = new Tray(nativeImage.createFromPath(iconPath));
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Nightshift', click: onOpen },
      { type: 'separator' },
      { label: 'Quit Nightshift', click: onQuit },
    ]),
  );
  tray.on('click', onOpen);
  const show = (count: number | null) => {
    const { tooltip, title } = trayLabel(count);
    tray.setToolTip(tooltip);
    tray.setTitle(title);
  };
  show(null);
  return { setOpenIncidents: show };
}
