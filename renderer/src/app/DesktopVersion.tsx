import { useEffect, useState } from 'react';
import { desktop } from '../lib/desktop';

/** Shown only inside the desktop shell; a browser on the headless server has no `window.nightshift`. */
export function DesktopVersion() {
  const [version, setVersion] = useState<string>();
  useEffect(() => {
    desktop?.appVersion?.().then(setVersion, () => setVersion(undefined));
  }, []);
  return version ? <p className="muted">Desktop {version}</p> : null;
}
