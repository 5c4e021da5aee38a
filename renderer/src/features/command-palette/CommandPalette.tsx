import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { Kbd } from '../../components/Kbd';
import { ariaShortcut } from '../../lib/platform';
import { matches, useCommands, type Command } from './commands';
import { usePaletteStore } from './store';

export function CommandPalette() {
  const open = usePaletteStore((state) => state.open);
  const setOpen = usePaletteStore((state) => state.setOpen);
  return open ? <PaletteDialog onClose={() => setOpen(false)} /> : null;
}

function PaletteDialog({ onClose }: { onClose: () => void }) {
  const commands = useCommands();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const visible = useMemo(() => commands.filter((command) => matches(command, query)), [commands, query]);
  const current = visible[Math.min(active, visible.length - 1)];

  const run = (command: Command | undefined) => {
    if (!command) return;
    onClose();
    command.run();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((index) => (visible.length ? (Math.min(index, visible.length - 1) + step + visible.length) % visible.length : 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      run(current);
    }
  };

  const optionId = (command: Command) => `${listId}-${command.id.replace(/[^a-z0-9-]/gi, '-')}`;

  return (
    <Dialog title="Command palette" onClose={onClose} className="palette">
      <input
        className="palette-input"
        role="combobox"
        aria-label="Search commands"
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={current ? optionId(current) : undefined}
        placeholder="Type a command or a page…"
        value={query}
        autoFocus
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label="Commands" className="palette-list">
        {visible.map((command) => (
          <li
            key={command.id}
            id={optionId(command)}
            role="option"
            aria-selected={command === current}
            aria-keyshortcuts={command.shortcut ? ariaShortcut(command.shortcut, command.shortcut[0] === 'Mod') : undefined}
            className="palette-option"
            onMouseMove={() => setActive(visible.indexOf(command))}
            onClick={() => run(command)}
          >
            <span className="palette-group">{command.group}</span>
            <span className="palette-label">{command.label}</span>
            {command.shortcut ? <Kbd keys={command.shortcut} /> : null}
          </li>
        ))}
        {visible.length === 0 ? <li className="palette-empty">No command matches “{query}”.</li> : null}
      </ul>
    </Dialog>
  );
}
