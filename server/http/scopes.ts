/**
 * Scopes narrow what a token may do on top of its owner's role (DESIGN.md §3). `<resource>:read`,
 * `<resource>:write`, `<resource>:*` and `*`; Opsentry's scope names are accepted as aliases.
 */
export const SCOPE_RESOURCES = [
  'incidents', 'services', 'maintenance', 'integrations', 'webhooks', 'alerts', 'procedures', 'executions',
  'knowledge', 'search', 'logs', 'monitors', 'heartbeats', 'status-pages', 'analytics', 'notifications',
  'users', 'members', 'invites', 'tokens', 'api-keys', 'organizations', 'settings', 'audit', 'admin',
  'billing', 'secrets', 'servers', 'commands', 'sync',
] as const;

export type ScopeResource = (typeof SCOPE_RESOURCES)[number];
export type RequiredScope = `${ScopeResource}:${'read' | 'write'}`;

export const SCOPE_ALIASES: Record<string, string[]> = {
  'read:status': ['services:read', 'incidents:read', 'maintenance:read'],
  'write:incidents': ['incidents:write'],
  'write:maintenance': ['maintenance:write'],
};

// Two names for one model: a grant on either resource covers the other.
const SAME_RESOURCE: Record<string, string> = { 'api-keys': 'tokens', tokens: 'api-keys' };

const SCOPE_PATTERN = /^([a-z-]+):(read|write|\*)$/;

export function isValidScope(scope: string): boolean {
  if (scope === '*' || scope in SCOPE_ALIASES) return true;
  const match = SCOPE_PATTERN.exec(scope);
  return match !== null && (SCOPE_RESOURCES as readonly string[]).includes(match[1]!);
}

/** Expands aliases once, at mint time or lookup, into canonical grants. */
export function expandScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes.flatMap((s) => SCOPE_ALIASES[s] ?? [s]))];
}

export function scopeAllows(granted: readonly string[], required: RequiredScope): boolean {
  const [resource, action] = required.split(':') as [string, string];
  const resources = [resource, SAME_RESOURCE[resource]].filter(Boolean);
  return expandScopes(granted).some((grant) => {
    if (grant === '*') return true;
    const [grantResource, grantAction] = grant.split(':');
    return resources.includes(grantResource!) && (grantAction === '*' || grantAction === action);
  });
}

/**
 * The requested scopes that a holder of `granted` could not use itself. A key that mints a key may
 * hand on only what it has, or `tokens:write` alone would be a path to `*`.
 */
export function scopesBeyond(granted: readonly string[], requested: readonly string[]): string[] {
  const grants = expandScopes(granted);
  return requested.filter((scope) => !expandScopes([scope]).every((wanted) => {
    if (wanted === '*') return grants.includes('*');
    const [resource, action] = wanted.split(':') as [string, string];
    const actions = action === '*' ? ['read', 'write'] : [action];
    return actions.every((a) => scopeAllows(grants, `${resource}:${a}` as RequiredScope));
  }));
}
