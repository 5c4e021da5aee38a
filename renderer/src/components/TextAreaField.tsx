import type { ReactNode, TextareaHTMLAttributes } from 'react';
import { FieldFrame } from './Field';
import './TextAreaField.css';

interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: string;
  hint?: ReactNode;
}

/** A labelled <textarea>. */
export function TextAreaField({ label, hint, className, ...textarea }: TextAreaFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} className={className}>
      {(ids) => <textarea {...ids} {...textarea} />}
    </FieldFrame>
  );
}
