import { useEffect, useRef } from 'react';

export type KeyMap = Partial<Record<string, () => void>>;

const SEQUENCE_MS = 1500;
const TYPING = /^(INPUT|TEXTAREA|SELECT)$/;
// Enter on these does their own thing (press a button, follow a link, pick a tab).
const ACTIVATES = 'button, a[href], summary, [role="tab"], [role="button"], [role="link"]';

/** Whether a key press belongs to what has focus rather than to the page. */
export function ownedByTarget(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  if (TYPING.test(target.tagName) || target.closest('.code-editor') !== null) return true;
  return (key === 'Enter' || key === ' ') && target.closest(ACTIVATES) !== null;
}

/**
 * The execution view's keys (j/k, Enter, s, r): ignored while typing, while a dialog is open, with a
 * modifier held, and Enter on a focused button or link stays that control's.
 */
export function useExecutionKeys(keys: KeyMap): void {
  const latest = useRef(keys);
  useEffect(() => {
    latest.current = keys;
  });
  useEffect(() => {
    let lastG = 0;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || event.shiftKey || event.repeat) return;
      if (ownedByTarget(event.target, event.key) || document.querySelector('dialog[open]')) return;
      const name = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      // "G" then a letter navigates (useGlobalShortcuts): that letter is not an action here.
      const afterG = Date.now() - lastG < SEQUENCE_MS;
      lastG = name === 'g' ? Date.now() : 0;
      if (afterG) return;
      const action = latest.current[name];
      if (!action) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
