import type { ReactNode, SelectHTMLAttributes } from 'react';
import { FieldFrame } from './Field';

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  options: readonly { value: string; label: string }[];
  hint?: ReactNode;
}

/** A labelled <select>. */
export function SelectField({ label, options, hint, className, ...select }: SelectFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} className={className}>
      {(ids) => (
        <select {...ids} {...select}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
