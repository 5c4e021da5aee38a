import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../http/errors';
import { call, startTestServer, type TestServer } from '../testing/harness';
import { serializeSpec } from '../scripts/openapi-spec';

let t: TestServer;
let spec: any;
beforeAll(async () => {
  t = await startTestServer();
  spec = (await call(t.url, 'GET', '/openapi.json')).body;
});
afterAll(async () => t.stop());

const operations = () =>
  Object.entries(spec.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(spec.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(spec))).resolves.toBeTruthy();
  });

  it('matches the committed server/openapi.json (run npm run gen:openapi after changing routes)', () => {
    const committed = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
    expect(serializeSpec(spec)).toBe(committed);
  });

  it('documents every route with tags, responses and its error codes', () => {
    const codes = Object.keys(ERROR_CODES);
    expect(operations().length).toBeGreaterThan(40);
    for (const { path, method, operation } of operations()) {
      expect(operation.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
      const unavailable = operation.summary?.startsWith('Not available');
      const success = Object.keys(operation.responses).filter((s) => s.startsWith('2'));
      expect(success.length > 0 || unavailable, `${method} ${path} success response`).toBe(true);
      const errors = Object.entries(operation.responses as Record<string, any>).filter(([s]) => Number(s) >= 400);
      expect(errors.length, `${method} ${path} error responses`).toBeGreaterThan(0);
      for (const [status, response] of errors) {
        if (path === '/health/ready' && status === '503') continue; // readiness answers its own per-check shape
        expect(response.content['application/json'].schema.$ref, `${method} ${path} ${status}`).toBe('#/components/schemas/ErrorEnvelope');
        for (const code of response.description.match(/`([A-Z_]+)`/g) ?? []) expect(codes).toContain(code.slice(1, -1));
      }
      if (['post', 'put', 'patch'].includes(method) && !unavailable) {
        expect(operation.requestBody, `${method} ${path} request body`).toBeDefined();
      }
    }
  });

  it('lists the closed error-code enum in the envelope schema', () => {
    expect(spec.components.schemas.ErrorEnvelope.properties.code.enum.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('serves Swagger UI and ReDoc from local assets only', async () => {
    for (const page of ['/docs/', '/redoc']) {
      const html = await call(t.url, 'GET', page);
      expect(html.status).toBe(200);
      const external = [...html.text.matchAll(/(?:src|href)=["'](https?:)?\/\/[^"']+/g)].map((m) => m[0]);
      expect(external, `${page} loads nothing from other hosts`).toEqual([]);
    }
    const bundle = await call(t.url, 'GET', '/redoc/redoc.standalone.js');
    expect(bundle.status).toBe(200);
    expect(bundle.text.length).toBeGreaterThan(100_000);
    const swaggerScript = await call(t.url, 'GET', '/docs/static/swagger-ui-bundle.js');
    expect(swaggerScript.status).toBe(200);
  });
});
