import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors';

describe('error code vocabulary', () => {
  it('is documented in the README exactly as the server defines it', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map(([, code, status, meaning]) => ({ code, status: Number(status), meaning }));
    const defined = Object.entries(ERROR_CODES).map(([code, { status, description }]) => ({ code, status, meaning: description }));
    expect(documented).toEqual(defined);
  });

  it('gives every code a client-error or server-error status', () => {
    for (const { status } of Object.values(ERROR_CODES)) expect(status).toBeGreaterThanOrEqual(400);
  });
});
