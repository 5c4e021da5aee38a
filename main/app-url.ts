/**
 * Whether `candidate` belongs to the app loaded from `appUrl`. Over http(s) that is the same origin;
 * every file: URL shares the opaque origin "null", so there only the app's own page counts.
 */
export function isAppUrl(candidate: string, appUrl: string): boolean {
  let target: URL;
  let base: URL;
  try {
    target = new URL(candidate);
    base = new URL(appUrl);
  } catch {
    return false;
  }
  if (base.protocol === 'file:') return target.protocol === 'file:' && target.pathname === base.pathname;
  return target.origin === base.origin;
}
