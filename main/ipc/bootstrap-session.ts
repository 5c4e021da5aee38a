import { CHANNELS } from '../../preload/desktop-api';
import type { OneTimeToken } from '../one-time-token';
import { handleFromApp } from './guard';

/** The desktop user is the local owner (DESIGN.md §1): the first caller gets the server's one-time token. */
export function registerBootstrapSessionIpc(appUrl: string, token: OneTimeToken): void {
  handleFromApp(CHANNELS.bootstrapSession, appUrl, () => {
    const taken = token.take();
    return taken === null ? null : { token: taken };
  });
}
