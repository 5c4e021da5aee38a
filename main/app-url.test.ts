import { describe, expect, it } from 'vitest';
import { isAppUrl } from './app-url';

describe('isAppUrl', () => {
  it('accepts the same http origin and nothing else', () => {
    const app = 'http://127.0.0.1:4123/';
    expect(isAppUrl('http://127.0.0.1:4123/incidents?x=1', app)).toBe(true);
    expect(isAppUrl('http://127.0.0.1:4124/', app)).toBe(false);
    expect(isAppUrl('http://localhost:4123/', app)).toBe(false);
    expect(isAppUrl('https://127.0.0.1:4123/', app)).toBe(false);
    expect(isAppUrl('', app)).toBe(false);
  });

  it('accepts only the app page itself when loaded from a file', () => {
    const app = 'file:///opt/nightshift/out/renderer/index.html';
    expect(isAppUrl('file:///opt/nightshift/out/renderer/index.html#/incidents', app)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:4123/', app)).toBe(false);
  });
});
