import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { SECTIONS } from '../sections/sections';
import { useThemeStore } from '../theme/store';
import { usePaletteStore } from './store';

const SEQUENCE_MS = 1500;

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/** The keyboard shortcuts the palette and the navigation show; one listener for the whole console. */
export function useGlobalShortcuts(): void {
  const navigate = useNavigate();
  useEffect(() => {
    let pendingG = 0;
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.metaKey || event.ctrlKey;
      const key = event.key.toLowerCase();
      if (mod && !event.shiftKey && !event.altKey && key === 'k') {
        event.preventDefault();
        usePaletteStore.getState().toggle();
        return;
      }
      if (mod && event.shiftKey && key === 'l') {
        event.preventDefault();
        useThemeStore.getState().toggleTheme();
        return;
      }
      if (mod || event.altKey || isTyping(event.target) || document.querySelector('dialog[open]')) return;
      if (pendingG && Date.now() - pendingG < SEQUENCE_MS) {
        pendingG = 0;
        const section = SECTIONS.find((s) => s.shortcut[1]?.toLowerCase() === key);
        if (section) {
          event.preventDefault();
          navigate(section.path);
        }
        return;
      }
      pendingG = key === 'g' && !event.shiftKey ? Date.now() : 0;
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [navigate]);
}
