import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

export interface ControlIds {
  id: string;
  'aria-describedby': string | undefined;
}

interface FieldFrameProps {
  label: string;
  hint?: ReactNode;
  className?: string | undefined;
  /** Renders the control with the ids that tie it to its label and hint. */
  children: (ids: ControlIds) => ReactNode;
}

/** The label, control and hint of every form field; the hint is announced with the control. */
export function FieldFrame({ label, hint, className, children }: FieldFrameProps) {
  const id = useId();
  const hintId = useId();
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': hint ? hintId : undefined })}
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  hint?: ReactNode;
}

/** A labelled input. */
export function Field({ label, hint, className, ...input }: FieldProps) {
  return (
    <FieldFrame label={label} hint={hint} className={className}>
      {(ids) => <input {...ids} {...input} />}
    </FieldFrame>
  );
}
