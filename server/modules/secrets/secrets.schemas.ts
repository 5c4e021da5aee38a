import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../../http/schemas';
import { MAX_SECRET_BYTES } from '../../secrets';

/** As runbook steps reference secrets (`{secret: name}`); unique in an organization. */
export const SECRET_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

export const SecretNameParams = Type.Object(
  { name: Type.String({ pattern: SECRET_NAME_PATTERN, description: 'Letters, digits, . _ -; at most 64 characters' }) },
  { additionalProperties: false },
);
export type SecretNameParams = Static<typeof SecretNameParams>;

export const SecretPut = Type.Object(
  {
    value: Type.String({
      minLength: 1,
      maxLength: MAX_SECRET_BYTES,
      description: `The secret itself, at most ${MAX_SECRET_BYTES} bytes of UTF-8; it is never shown again, only used by the steps that reference it`,
    }),
  },
  { additionalProperties: false },
);
export type SecretPut = Static<typeof SecretPut>;

/** What the API ever says of a secret: that it exists. */
export const SecretSummary = Type.Object({ name: Type.String() });
export type SecretSummary = Static<typeof SecretSummary>;

export const SecretPage = Page(SecretSummary);
export const SecretListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type SecretListQuery = Static<typeof SecretListQuery>;
