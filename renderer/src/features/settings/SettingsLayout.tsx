import { NavLink, Outlet } from 'react-router';

const PAGES = [
  { to: 'api-keys', label: 'API keys' },
  { to: 'integrations', label: 'Integrations' },
  { to: 'users', label: 'Users and roles' },
  { to: 'invites', label: 'Invites' },
  { to: 'organization', label: 'Organization' },
  { to: 'notifications', label: 'Notifications' },
  { to: 'secrets', label: 'Secrets' },
] as const;

export function SettingsLayout() {
  return (
    <div className="page">
      <h1>Settings</h1>
      <nav aria-label="Settings" className="subnav">
        {PAGES.map((page) => (
          <NavLink key={page.to} to={page.to}>
            {page.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
