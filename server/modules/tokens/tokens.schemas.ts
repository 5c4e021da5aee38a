import { Type, type Static } from 'typebox';
import { Id, Nullable, Page, PageQuery, Timestamp } from '../../http/schemas';

const Limit = Nullable(Type.Integer({ minimum: 1 }));

export const TokenCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64, description: 'Default ["*"]: the owner\'s role in full.' })),
    expires_at: Type.Optional(Nullable(Timestamp)),
    daily_mutation_limit: Type.Optional(Limit),
    daily_log_bytes_limit: Type.Optional(Limit),
    // 24observe's camelCase names, accepted as aliases.
    expiresAt: Type.Optional(Nullable(Timestamp)),
    dailyMutationLimit: Type.Optional(Limit),
    dailyLogBytesLimit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);
export type TokenCreate = Static<typeof TokenCreate>;

export const Token = Type.Object(
  {
    id: Id,
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the token, to recognise it.' }),
    scopes: Type.Array(Type.String()),
    user_id: Id,
    expires_at: Nullable(Timestamp),
    daily_mutation_limit: Nullable(Type.Integer()),
    daily_log_bytes_limit: Nullable(Type.Integer()),
    last_used_at: Nullable(Timestamp),
    created_at: Timestamp,
  },
);
export type Token = Static<typeof Token>;

export const CreatedToken = Type.Object({
  ...Token.properties,
  token: Type.String({ description: 'The secret, shown once: store it now.' }),
});

export const TokenPage = Page(Token);
export const TokenListQuery = Type.Object(PageQuery, { additionalProperties: false });
