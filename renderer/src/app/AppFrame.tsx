import { NavLink, Outlet, useNavigate } from 'react-router';
import { Kbd } from '../components/Kbd';
import { useMe, useSignOut } from '../features/auth/queries';
import { CommandPalette } from '../features/command-palette/CommandPalette';
import { PALETTE_SHORTCUT } from '../features/command-palette/commands';
import { usePaletteStore } from '../features/command-palette/store';
import { useGlobalShortcuts } from '../features/command-palette/useGlobalShortcuts';
import { useReportOpenIncidents } from '../features/incidents/open-incidents';
import { useIncidentNotifications } from '../features/notifications/desktop-notifications';
import { useLiveConnection } from '../features/live/live';
import { LiveStatusIndicator } from '../features/live/LiveStatusIndicator';
import { SECTIONS } from '../features/sections/sections';
import { ThemeSwitch } from '../features/theme/ThemeSwitch';
import { ariaShortcut } from '../lib/platform';
import { DesktopVersion } from './DesktopVersion';

export function AppFrame() {
  const me = useMe().data;
  const signOut = useSignOut();
  const navigate = useNavigate();
  const openPalette = usePaletteStore((state) => state.setOpen);
  useGlobalShortcuts();
  useLiveConnection();
  useReportOpenIncidents();
  useIncidentNotifications();

  return (
    <div className="frame">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="frame-header">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true">◐</span> Nightshift
          {me ? <span className="org-name" title="Organization">{me.organization.name}</span> : null}
        </p>
        <div className="header-actions">
          <LiveStatusIndicator />
          <button type="button" className="palette-button" onClick={() => openPalette(true)} aria-keyshortcuts={ariaShortcut(PALETTE_SHORTCUT, true)}>
            Command palette <Kbd keys={PALETTE_SHORTCUT} />
          </button>
          <ThemeSwitch />
          {me ? (
            <span className="user" aria-label={`Signed in as ${me.name}`}>
              {me.name} <span className="muted">· {me.role}</span>
            </span>
          ) : null}
          <button
            type="button"
            onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/sign-in', { replace: true }) })}
            disabled={signOut.isPending}
          >
            Sign out
          </button>
        </div>
      </header>
      <nav className="frame-nav" aria-label="Main">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.path}>
              <NavLink to={section.path} aria-keyshortcuts={ariaShortcut(section.shortcut, false)}>
                <span>{section.label}</span>
                <Kbd keys={section.shortcut} />
              </NavLink>
            </li>
          ))}
        </ul>
        <DesktopVersion />
      </nav>
      <main id="main" className="frame-main" tabIndex={-1}>
        <Outlet />
      </main>
      <CommandPalette />
    </div>
  );
}
