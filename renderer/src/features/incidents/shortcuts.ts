import { useEffect, useRef } from 'react';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.closest('.code-editor') !== null);
}

// "G" then a letter navigates (useGlobalShortcuts): the letter after a G is not an action here.
const SEQUENCE_MS = 1500;

export type ShortcutMap = Partial<Record<string, () => void>>;

/**
 * Single-key actions on a page (a = acknowledge, r = resolve), ignored while typing in a field or the
 * editor, while a dialog is open, with a modifier held, or as the second key of a "G" sequence.
 */
export function usePageShortcuts(shortcuts: ShortcutMap): void {
  const latest = useRef(shortcuts);
  useEffect(() => {
    latest.current = shortcuts;
  });
  useEffect(() => {
    let lastG = 0;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || event.repeat) return;
      if (isTyping(event.target) || document.querySelector('dialog[open]')) return;
      const key = event.key.toLowerCase();
      const afterG = Date.now() - lastG < SEQUENCE_MS;
      lastG = key === 'g' && !event.shiftKey ? Date.now() : 0;
      if (afterG || event.shiftKey) return;
      const action = latest.current[key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
