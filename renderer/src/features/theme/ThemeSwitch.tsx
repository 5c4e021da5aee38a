import { useThemeStore } from './store';

export function ThemeSwitch() {
  const theme = useThemeStore((state) => state.theme);
  const toggleTheme = useThemeStore((state) => state.toggleTheme);
  return (
    <button type="button" role="switch" aria-checked={theme === 'dark'} className="theme-switch" onClick={toggleTheme}>
      <span aria-hidden="true">{theme === 'dark' ? '☾' : '☀'}</span> Dark mode
    </button>
  );
}
