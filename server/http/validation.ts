import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import Ajv, { type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';

const shared: Options = { removeAdditional: false, useDefaults: true, allErrors: true, strict: false };

/**
 * Compiles on first use instead of at startup: compiling every route's validators and serializers up
 * front was most of the time between `nightshift serve` and the first answer, for routes a session
 * may never call.
 */
function lazy<F extends (...args: never[]) => unknown>(compile: () => F): F {
  let compiled: F | undefined;
  return ((...args: Parameters<F>) => (compiled ??= compile())(...args)) as F;
}

/**
 * Query strings, params and headers arrive as text, so they are coerced to the schema's types; JSON
 * bodies are not: `{"user": true}` must be refused, not stored as a limit of 1.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  let strictJson: Ajv | undefined;
  let fromText: Ajv | undefined;
  const ajvFor = (httpPart: string | undefined): Ajv =>
    httpPart === 'body'
      ? (strictJson ??= addFormats(new Ajv({ ...shared, coerceTypes: false })))
      : (fromText ??= addFormats(new Ajv({ ...shared, coerceTypes: 'array' })));
  return ({ schema, httpPart }) => {
    let compiled: ValidateFunction | undefined;
    // Fastify reads `.errors` off the function it called, as ajv leaves them there.
    const validate = (data: unknown): boolean => {
      compiled ??= ajvFor(httpPart).compile(schema as object);
      const valid = compiled(data);
      validate.errors = compiled.errors;
      return valid;
    };
    validate.errors = null as ValidateFunction['errors'];
    return validate;
  };
}

type SerializerFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>;

/** Fastify's own fast-json-stringify serializers, each built the first time its route answers. */
export const lazySerializers: SerializerFactory = (externalSchemas, options) => {
  const build = SerializerSelector()(externalSchemas as never, options as never);
  return (route) => lazy(() => build(route as never) as (data: unknown) => string);
};
