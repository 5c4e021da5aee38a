import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { useSignOut } from '../auth/queries';
import { SECTIONS } from '../sections/sections';
import { useThemeStore } from '../theme/store';

export interface Command {
  id: string;
  label: string;
  group: 'Go to' | 'Actions';
  /** Keys as shown; "Mod" is Ctrl or Cmd. A chord (Mod+…) or a sequence ("G I"). */
  shortcut?: readonly string[];
  keywords?: string;
  run: () => void;
}

export const PALETTE_SHORTCUT = ['Mod', 'K'] as const;

const SETTINGS_PAGES = [
  { path: '/settings/api-keys', label: 'API keys' },
  { path: '/settings/users', label: 'Users and roles' },
  { path: '/settings/invites', label: 'Invites' },
  { path: '/settings/organization', label: 'Organization' },
  { path: '/settings/integrations', label: 'Integrations' },
  { path: '/settings/notifications', label: 'Notifications' },
  { path: '/settings/secrets', label: 'Secrets' },
] as const;

export function useCommands(): Command[] {
  const navigate = useNavigate();
  const toggleTheme = useThemeStore((state) => state.toggleTheme);
  const signOut = useSignOut();
  const { mutate: signOutNow } = signOut;

  return useMemo(() => {
    const go: Command[] = SECTIONS.map((section) => ({
      id: `go:${section.path}`,
      label: section.label,
      group: 'Go to',
      shortcut: section.shortcut,
      run: () => navigate(section.path),
    }));
    const settings: Command[] = SETTINGS_PAGES.map((page) => ({
      id: `go:${page.path}`,
      label: `Settings: ${page.label}`,
      group: 'Go to',
      run: () => navigate(page.path),
    }));
    const actions: Command[] = [
      { id: 'api-key:create', label: 'Create API key', group: 'Actions', keywords: 'token new', run: () => navigate('/settings/api-keys?create=1') },
      { id: 'runbook:create', label: 'New runbook', group: 'Actions', keywords: 'procedure playbook', run: () => navigate('/runbooks/new') },
      { id: 'invite:create', label: 'Invite someone', group: 'Actions', keywords: 'user member', run: () => navigate('/settings/invites') },
      { id: 'integration:create', label: 'Add an alert integration', group: 'Actions', keywords: 'webhook alertmanager grafana datadog pagerduty', run: () => navigate('/settings/integrations') },
      { id: 'audit:export', label: 'Export audit log as CSV', group: 'Actions', keywords: 'download', run: () => navigate('/audit?export=1') },
      { id: 'theme:toggle', label: 'Switch light/dark theme', group: 'Actions', shortcut: ['Mod', 'Shift', 'L'], keywords: 'dark mode appearance', run: toggleTheme },
      { id: 'session:sign-out', label: 'Sign out', group: 'Actions', keywords: 'log out logout', run: () => signOutNow() },
    ];
    return [...go, ...settings, ...actions];
  }, [navigate, toggleTheme, signOutNow]);
}

export function matches(command: Command, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${command.group} ${command.label} ${command.keywords ?? ''}`.toLowerCase();
  return words.every((word) => text.includes(word));
}
