import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../http/errors';
import { header } from './parsers/common';
import type { Headers } from './parsers';

const GRAFANA_SIGNATURE_HEADER = 'x-grafana-alerting-signature';
const TIMESTAMP_TOLERANCE_S = 5 * 60;

const hmacHex = (secret: string, data: Buffer | string): string => createHmac('sha256', secret).update(data).digest('hex');

/** Compares two hex digests in constant time (a length mismatch is a plain mismatch). */
function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.trim().toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const invalid = (message: string) => new AppError('INVALID_SIGNATURE', message);

/**
 * PagerDuty V3: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw body>`, possibly several
 * comma-separated while a secret rotates; one match is enough.
 */
export function verifyPagerDuty(secret: string, body: Buffer, headers: Headers): void {
  const value = header(headers, 'x-pagerduty-signature');
  if (!value) throw invalid('X-PagerDuty-Signature is missing; this integration has a signing secret, so every delivery must be signed');
  const expected = hmacHex(secret, body);
  const candidates = value.split(',').map((s) => s.trim()).filter((s) => s.startsWith('v1=')).map((s) => s.slice(3));
  // Every candidate is compared, so the time taken does not say which one matched.
  let matched = false;
  for (const candidate of candidates) matched = sameHex(expected, candidate) || matched;
  if (!matched) throw invalid('X-PagerDuty-Signature does not match the body under this integration\'s signing secret');
}

/**
 * Grafana's webhook HMAC: hex HMAC-SHA256 in `X-Grafana-Alerting-Signature` (or the configured header)
 * over the raw body, or over "timestamp:body" when a timestamp header is configured, whose time must
 * then be within 5 minutes.
 */
export function verifyGrafana(secret: string, body: Buffer, headers: Headers, settings: Record<string, unknown>, now: Date): void {
  const signatureHeader = typeof settings.signature_header === 'string' ? settings.signature_header : GRAFANA_SIGNATURE_HEADER;
  const timestampHeader = typeof settings.timestamp_header === 'string' ? settings.timestamp_header : undefined;
  const signature = header(headers, signatureHeader);
  if (!signature) throw invalid(`${signatureHeader} is missing; this integration has a signing secret, so every delivery must be signed`);
  let signed: Buffer = body;
  if (timestampHeader) {
    const timestamp = header(headers, timestampHeader);
    if (!timestamp || !/^\d+$/.test(timestamp)) throw invalid(`${timestampHeader} is missing or not a Unix time`);
    if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > TIMESTAMP_TOLERANCE_S) throw invalid(`${timestampHeader} is more than 5 minutes away from now: a replay, or a clock off`);
    signed = Buffer.concat([Buffer.from(`${timestamp}:`), body]);
  }
  if (!sameHex(hmacHex(secret, signed), signature)) throw invalid(`${signatureHeader} does not match the body under this integration's signing secret`);
}
