import { createBrowserRouter, Link, Navigate, type RouteObject } from 'react-router';
import { ApiKeysPage } from '../features/api-keys/ApiKeysPage';
import { AuditPage } from '../features/audit/AuditPage';
import { AnalyticsPage } from '../features/analytics/AnalyticsPage';
import { AcceptInvitePage } from '../features/auth/AcceptInvitePage';
import { ForgotPasswordPage } from '../features/auth/ForgotPasswordPage';
import { RegisterPage } from '../features/auth/RegisterPage';
import { ResetPasswordPage } from '../features/auth/ResetPasswordPage';
import { SignInPage } from '../features/auth/SignInPage';
import { VerifyEmailPage } from '../features/auth/VerifyEmailPage';
import { IncidentDetailPage } from '../features/incidents/IncidentDetailPage';
import { IncidentsPage } from '../features/incidents/IncidentsPage';
import { IntegrationsPage } from '../features/integrations/IntegrationsPage';
import { InvitesPage } from '../features/invites/InvitesPage';
import { NotificationsPage } from '../features/notifications/NotificationsPage';
import { OrganizationPage } from '../features/organization/OrganizationPage';
import { ExecutionPage } from '../features/runbooks/ExecutionPage';
import { RunbookPage } from '../features/runbooks/RunbookPage';
import { RunbooksPage } from '../features/runbooks/RunbooksPage';
import { ComingSectionPage } from '../features/sections/ComingSectionPage';
import { SECTIONS } from '../features/sections/sections';
import { SecretsPage } from '../features/secrets/SecretsPage';
import { ServicesPage } from '../features/services/ServicesPage';
import { SettingsLayout } from '../features/settings/SettingsLayout';
import { UsersPage } from '../features/users/UsersPage';
import { AppFrame } from './AppFrame';
import { RedirectIfSignedIn, RequireSession } from './SessionGate';

function NotFound() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. <Link to="/">Go to the console</Link>.
      </p>
    </section>
  );
}

const routes: RouteObject[] = [
  {
    element: <RedirectIfSignedIn />,
    children: [
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/register', element: <RegisterPage /> },
    ],
  },
  // Links from mail work whether or not someone is signed in on this browser.
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/accept-invite', element: <AcceptInvitePage /> },
  { path: '/verify-email', element: <VerifyEmailPage /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppFrame />,
        children: [
          { index: true, element: <Navigate to="/incidents" replace /> },
          ...SECTIONS.filter((section) => section.coming).map((section) => ({ path: section.path, element: <ComingSectionPage section={section} /> })),
          { path: '/incidents', element: <IncidentsPage /> },
          { path: '/incidents/:id', element: <IncidentDetailPage /> },
          { path: '/services', element: <ServicesPage /> },
          { path: '/runbooks', element: <RunbooksPage /> },
          { path: '/runbooks/:id', element: <RunbookPage /> },
          { path: '/runbooks/executions/:id', element: <ExecutionPage /> },
          { path: '/analytics', element: <AnalyticsPage /> },
          { path: '/audit', element: <AuditPage /> },
          {
            path: '/settings',
            element: <SettingsLayout />,
            children: [
              { index: true, element: <Navigate to="api-keys" replace /> },
              { path: 'api-keys', element: <ApiKeysPage /> },
              { path: 'integrations', element: <IntegrationsPage /> },
              { path: 'users', element: <UsersPage /> },
              { path: 'invites', element: <InvitesPage /> },
              { path: 'organization', element: <OrganizationPage /> },
              { path: 'notifications', element: <NotificationsPage /> },
              { path: 'secrets', element: <SecretsPage /> },
            ],
          },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
];

export const createRouter = () => createBrowserRouter(routes);
