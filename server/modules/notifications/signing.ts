import { createHmac } from 'node:crypto';

/** Standard Webhooks (standardwebhooks.com): `whsec_` + the base64 key bytes. */
export const SECRET_PREFIX = 'whsec_';

export const secretFromKey = (key: Buffer): string => `${SECRET_PREFIX}${key.toString('base64')}`;

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the secret's key bytes. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * The three headers of a delivery. Several secrets (the new one and, for a day after a rotation, the
 * previous) give space-separated signatures; a receiver accepts the message when any one verifies.
 */
export function signedHeaders(secrets: readonly string[], id: string, at: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => sign(secret, id, timestamp, body)).join(' '),
  };
}
