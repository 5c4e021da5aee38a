/** The scopes people pick most; the API accepts any `<resource>:read|write|*` (README "Auth"). */
export const COMMON_SCOPES: readonly { scope: string; label: string }[] = [
  { scope: '*', label: 'Everything my role allows (*)' },
  { scope: 'incidents:read', label: 'Read incidents' },
  { scope: 'incidents:write', label: 'Open and change incidents' },
  { scope: 'read:status', label: 'Read status (Opsentry)' },
  { scope: 'webhooks:write', label: 'Send alert webhooks' },
  { scope: 'logs:read', label: 'Search logs' },
  { scope: 'logs:write', label: 'Ship logs' },
  { scope: 'monitors:read', label: 'Read monitors' },
  { scope: 'heartbeats:write', label: 'Send heartbeats' },
  { scope: 'procedures:read', label: 'Read runbooks' },
  { scope: 'executions:write', label: 'Run runbooks' },
  { scope: 'users:read', label: 'Read users' },
  { scope: 'audit:read', label: 'Read the audit log' },
];
