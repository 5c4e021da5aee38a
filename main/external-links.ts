/**
 * The URL to hand to the OS browser, or null. Only https: (never file:, javascript:, custom schemes
 * that launch other programs, or plain http: that anyone on the path can rewrite), and never a URL
 * carrying credentials, which the browser would send without asking.
 */
export function externalHttpsUrl(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.hostname === '') return null;
  return url.href;
}
