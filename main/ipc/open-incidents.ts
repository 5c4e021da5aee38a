import { CHANNELS } from '../../preload/desktop-api';
import { IpcArgumentError } from './arguments';
import { handleFromApp } from './guard';

export function parseOpenIncidents(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1_000_000) {
    throw new IpcArgumentError('count must be null or an integer from 0 to 1000000');
  }
  return value;
}

/** The renderer, which is signed in and already watches incidents, tells the tray how many are open. */
export function registerOpenIncidentsIpc(appUrl: string, show: (count: number | null) => void): void {
  handleFromApp(CHANNELS.reportOpenIncidents, appUrl, (_event, count) => {
    show(parseOpenIncidents(count));
  });
}
