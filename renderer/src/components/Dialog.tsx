import { useId, useLayoutEffect, useRef, type ReactNode } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

// Who opened each open dialog. A dialog opened from inside another one that then closes (create key →
// show secret) hands focus back to the outer dialog's opener instead of losing it to <body>.
const openers = new WeakMap<HTMLDialogElement, HTMLElement | null>();

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  description?: ReactNode;
  className?: string;
  /** A dialog whose secret must be acknowledged: Esc does not dismiss it. */
  dismissible?: boolean;
}

/**
 * A modal dialog: mounted means open. The native <dialog> makes the rest of the page inert and
 * closes on Esc; Tab is wrapped here so focus never leaves it, and focus returns to whatever opened it.
 */
export function Dialog({ title, onClose, children, description, className, dismissible = true }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  // Layout effect: its cleanup runs while the <dialog> is still in the document, so close() and the
  // focus hand-back happen before React removes it.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const active = document.activeElement;
    // A submit button disabled while its request runs drops focus to <body>: not an opener.
    const opener = active instanceof HTMLElement && active !== document.body ? active : null;
    const outer = opener?.closest('dialog') ?? document.querySelector<HTMLDialogElement>('dialog[open]');
    const fallback = outer ? openers.get(outer) : null;
    openers.set(dialog, opener);
    dialog.showModal();
    return () => {
      dialog.close();
      const target = opener?.isConnected ? opener : fallback?.isConnected ? fallback : null;
      target?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={['dialog', className].filter(Boolean).join(' ')}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (dismissible) onCloseRef.current();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Tab') return;
        const items = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
        const first = items[0];
        const last = items.at(-1);
        if (!first || !last) return;
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {description ? (
        <div id={descriptionId} className="dialog-description">
          {description}
        </div>
      ) : null}
      {children}
    </dialog>
  );
}
