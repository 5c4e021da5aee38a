import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where an outbound request (a webhook delivery, a runbook's HTTP step) may never go: link-local
 * addresses (169.254.0.0/16, fe80::/10), which is where cloud metadata services answer with the
 * host's credentials, and the metadata endpoints that live elsewhere. Loopback and private networks stay allowed: a desktop or a team server posts to
 * services on its own machine and LAN on purpose.
 */
const blocked = new BlockList();
blocked.addSubnet('169.254.0.0', 16, 'ipv4');
blocked.addSubnet('fe80::', 10, 'ipv6');
blocked.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
blocked.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

const BLOCKED_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // BlockList also matches IPv4-mapped IPv6 (::ffff:169.254.169.254) against the IPv4 rules.
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why `url` may not receive outbound requests, or null when it may. Checks the literal host; names are checked again when resolved. */
export function refusedUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be http or https';
  if (parsed.username || parsed.password) return 'must not carry credentials';
  const host = parsed.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (BLOCKED_NAMES.has(host)) return 'points at a cloud metadata service';
  if (isBlockedAddress(host)) return 'points at a link-local or metadata address';
  return null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses names resolving to a blocked address, so a DNS name
 * (or a rebinding one) cannot lead a request where a literal address may not.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.find((a) => isBlockedAddress(a.address));
    if (bad) {
      const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${bad.address}, a link-local or metadata address`);
      refused.code = 'EADDRBLOCKED';
      return callback(refused, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}
