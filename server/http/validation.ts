import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const shared: Options = { removeAdditional: false, useDefaults: true, allErrors: true, strict: false };

/**
 * Query strings, params and headers arrive as text, so they are coerced to the schema's types; JSON
 * bodies are not: `{"user": true}` must be refused, not stored as a limit of 1.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const strictJson = addFormats(new Ajv({ ...shared, coerceTypes: false }));
  const fromText = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? strictJson : fromText).compile(schema as object);
}
