import { Type, type Static, type TSchema } from 'typebox';
import { ERROR_CODE_LIST } from './error-handler';

/** A string enum documented as `enum` (friendlier to generators than a union of consts). */
export const StringEnum = <const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Id = Type.String({ format: 'uuid', description: 'UUIDv7' });
export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339, UTC' });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const ErrorEnvelopeSchema = Type.Object(
  {
    detail: Type.String(),
    error: Type.String(),
    status_code: Type.Integer(),
    code: StringEnum(ERROR_CODE_LIST),
    fields: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() })),
    ),
    request_id: Type.String(),
  },
  { $id: 'ErrorEnvelope', title: 'Error envelope', description: 'Every non-2xx response.' },
);

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

export const PageMeta = Type.Object({ total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

export const Page = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), meta: PageMeta });

export interface PageResult<T> {
  data: T[];
  meta: Static<typeof PageMeta>;
}

export const Ok = Type.Object({ ok: Type.Boolean(), message: Type.Optional(Type.String()) });
