import { Type, type Static } from 'typebox';
import { Id, Nullable, Timestamp } from '../../http/schemas';

const PerHour = Nullable(Type.Integer({ minimum: 1, description: 'requests per hour; null = server default' }));

export const RateLimitSettings = Type.Object(
  { user: Type.Optional(PerHour), api_key: Type.Optional(PerHour), webhook: Type.Optional(PerHour), search: Type.Optional(PerHour), org: Type.Optional(PerHour) },
  { additionalProperties: false },
);

export const OrganizationSettings = Type.Object(
  {
    allow_command_steps: Type.Boolean({ description: 'Runbook command steps may run on the host (desktop default on, headless off).' }),
    invites_enabled: Type.Boolean({ description: 'Admins may invite people to join by email.' }),
    audit_retention_days: Nullable(Type.Integer({ minimum: 30, description: 'Delete audit rows older than this; null keeps them forever.' })),
    rate_limits: RateLimitSettings,
  },
  { additionalProperties: false },
);
export type OrganizationSettings = Static<typeof OrganizationSettings>;

export const OrganizationSettingsPatch = Type.Partial(OrganizationSettings, { additionalProperties: false });
export type OrganizationSettingsPatch = Static<typeof OrganizationSettingsPatch>;

export const defaultSettings = (allowCommandSteps: boolean): OrganizationSettings => ({
  allow_command_steps: allowCommandSteps,
  invites_enabled: true,
  audit_retention_days: null,
  rate_limits: {},
});

export const Organization = Type.Object({
  id: Id,
  name: Type.String(),
  slug: Type.String(),
  plan: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Organization = Static<typeof Organization>;

export const OrganizationPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    slug: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })),
  },
  { additionalProperties: false },
);
export type OrganizationPatch = Static<typeof OrganizationPatch>;
