import { Type, type Static } from 'typebox';
import { ROLES } from '../../http/principal';
import { Id, Nullable, Page, PageQuery, StringEnum, Timestamp } from '../../http/schemas';

export const RoleSchema = StringEnum(ROLES);

export const User = Type.Object({
  id: Id,
  org_id: Id,
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  email_verified: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type User = Static<typeof User>;

export const UserPage = Page(User);
export const ListQuery = Type.Object(PageQuery, { additionalProperties: false });

export const UserPatch = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), role: Type.Optional(RoleSchema) },
  { additionalProperties: false },
);
export type UserPatch = Static<typeof UserPatch>;

export const Member = Type.Object({
  user_id: Id,
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  joined_at: Timestamp,
});
export const MemberPage = Page(Member);
export const MemberParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) });
export const MemberPatch = Type.Object({ role: RoleSchema }, { additionalProperties: false });

export const InviteCreate = Type.Object(
  { email: Type.String({ format: 'email', maxLength: 254 }), role: Type.Optional(RoleSchema) },
  { additionalProperties: false },
);
export type InviteCreate = Static<typeof InviteCreate>;

export const Invite = Type.Object({
  id: Id,
  email: Type.String(),
  role: RoleSchema,
  invited_by: Id,
  status: StringEnum(['pending', 'accepted', 'expired'] as const),
  created_at: Timestamp,
  expires_at: Timestamp,
  accepted_at: Nullable(Timestamp),
});
export type Invite = Static<typeof Invite>;
export const InvitePage = Page(Invite);
