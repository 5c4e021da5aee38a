import { useId, type ReactNode, type TextareaHTMLAttributes } from 'react';
import './TextAreaField.css';

interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: string;
  hint?: ReactNode;
}

/** A labelled <textarea>; the hint is announced with it. */
export function TextAreaField({ label, hint, className, ...textarea }: TextAreaFieldProps) {
  const id = useId();
  const hintId = useId();
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-describedby={hint ? hintId : undefined} {...textarea} />
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
