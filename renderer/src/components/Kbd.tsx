import { shortcutLabel } from '../lib/platform';

export function Kbd({ keys }: { keys: readonly string[] }) {
  return (
    <span className="kbd-group" aria-hidden="true">
      {shortcutLabel(keys).map((key, index) => (
        <kbd key={`${key}-${index}`}>{key}</kbd>
      ))}
    </span>
  );
}
