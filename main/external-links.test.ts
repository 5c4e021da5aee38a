import { describe, expect, it } from 'vitest';
import { externalHttpsUrl } from './external-links';

describe('externalHttpsUrl', () => {
  it('passes plain https URLs through, normalized by the URL parser', () => {
    expect(externalHttpsUrl('https://example.com/a?b=1#c')).toBe('https://example.com/a?b=1#c');
    expect(externalHttpsUrl('HTTPS://Example.COM')).toBe('https://example.com/');
    expect(externalHttpsUrl('https://example.com/a b')).toBe('https://example.com/a%20b');
  });

  it('refuses other schemes, credentials and junk', () => {
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'vscode://x', 'https://a:b@example.com/', 'https://a@example.com/', 'https:', '', ' ', '//example.com']) {
      expect(externalHttpsUrl(url)).toBeNull();
    }
  });
});
