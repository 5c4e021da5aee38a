import { Type, type Static } from 'typebox';
import { Timestamp } from '../../http/schemas';
import { RoleSchema, User } from '../users';

export const Password = Type.String({ minLength: 8, maxLength: 128, description: '8 to 128 characters, all of them significant' });
const Email = Type.String({ format: 'email', maxLength: 254 });

export const RegisterBody = Type.Object(
  { email: Email, password: Password, name: Type.String({ minLength: 1, maxLength: 200 }), organization_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

/** JSON `{email, password}` or the OAuth2 password form (`username`, `password`, `grant_type`, `scope`). */
export const LoginBody = Type.Object(
  {
    email: Type.Optional(Type.String({ maxLength: 254 })),
    username: Type.Optional(Type.String({ maxLength: 254 })),
    password: Type.String({ minLength: 1, maxLength: 128 }),
    grant_type: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    client_secret: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const SessionUser = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), role: RoleSchema });

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'seconds' }),
  user: SessionUser,
});
export type TokenResponse = Static<typeof TokenResponse>;

export const RegisterResponse = Type.Object({
  ...TokenResponse.properties,
  organization: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String() }),
});

export const RefreshBody = Type.Object({ refresh_token: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false });

export const PasswordChangeBody = Type.Object(
  { current_password: Type.String({ minLength: 1, maxLength: 128 }), new_password: Password },
  { additionalProperties: false },
);
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;

export const EmailBody = Type.Object({ email: Email }, { additionalProperties: false });
export const OptionalEmailBody = Type.Object({ email: Type.Optional(Email) }, { additionalProperties: false });

export const ResetConfirmBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), new_password: Type.Optional(Password), password: Type.Optional(Password) },
  { additionalProperties: false },
);
export type ResetConfirmBody = Static<typeof ResetConfirmBody>;

export const TokenBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const AcceptInviteBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), name: Type.String({ minLength: 1, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);
export type AcceptInviteBody = Static<typeof AcceptInviteBody>;

export const ProfileBody = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false });

export const MeResponse = Type.Object({
  ...User.properties,
  organization: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String(), plan: Type.String() }),
});

export const AccountResponse = Type.Object({
  user: User,
  organization: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String(), created_at: Timestamp }),
  plan: Type.Object({ name: Type.String(), self_hosted: Type.Boolean() }),
  quota: Type.Object({
    users: Type.Object({ used: Type.Integer(), limit: Type.Union([Type.Integer(), Type.Null()]) }),
    api_keys: Type.Object({ used: Type.Integer(), limit: Type.Union([Type.Integer(), Type.Null()]) }),
  }),
});
