import { describe, expect, it } from 'vitest';
import { guardedLookup, isBlockedAddress, refusedUrl } from './address-guard';

describe('outbound webhook address guard', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.0.1:8080/',
    'http://0xa9fea9fe/', // 169.254.169.254 in hex
    'http://2852039166/', // and as one decimal number
    'http://[fe80::1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA.google.internal./',
    'http://metadata/',
  ])('refuses %s', (url) => {
    expect(refusedUrl(url)).toMatch(/link-local|metadata/);
  });

  it.each([
    ['ftp://example.com/', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['not a url', /not a URL/],
    ['https://user:pass@example.com/', /credentials/],
  ])('refuses %s', (url, reason) => {
    expect(refusedUrl(url)).toMatch(reason);
  });

  it.each(['https://hooks.example.com/services/x', 'http://127.0.0.1:9000/hook', 'http://[::1]:9000/', 'http://10.0.0.5/', 'http://192.168.1.10/', 'http://localhost:3000/'])(
    'allows %s (loopback and private networks are deliberate targets)',
    (url) => {
      expect(refusedUrl(url)).toBeNull();
    },
  );

  it('knows the blocked ranges by address', () => {
    expect(isBlockedAddress('169.254.10.20')).toBe(true);
    expect(isBlockedAddress('febf::1')).toBe(true);
    expect(isBlockedAddress('fec0::1')).toBe(false);
    expect(isBlockedAddress('169.255.0.1')).toBe(false);
    expect(isBlockedAddress('not-an-address')).toBe(false);
  });

  it('the resolving lookup refuses a blocked address and passes others through, in both callback shapes', async () => {
    const lookup = (host: string, all: boolean) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
        guardedLookup(host, { all }, (error, address) => resolve({ error, address })));
    const blocked = await lookup('169.254.169.254', false);
    expect(blocked.error?.code).toBe('EADDRBLOCKED');
    expect((await lookup('127.0.0.1', false)).address).toBe('127.0.0.1');
    expect((await lookup('127.0.0.1', true)).address).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});
