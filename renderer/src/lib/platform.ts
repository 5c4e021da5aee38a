export const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** "Mod" is Cmd on macOS and Ctrl elsewhere, as menus show it. */
export function shortcutLabel(keys: readonly string[]): string[] {
  return keys.map((key) => (key === 'Mod' ? (isMac ? '⌘' : 'Ctrl') : key));
}

/** The aria-keyshortcuts form of the same keys ("Control+K", "G I"). */
export function ariaShortcut(keys: readonly string[], chord: boolean): string {
  const names = keys.map((key) => (key === 'Mod' ? (isMac ? 'Meta' : 'Control') : key));
  return chord ? names.join('+') : names.join(' ');
}
