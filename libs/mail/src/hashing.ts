import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** sha256 hex of client input, for throttle keys (never the raw address in Redis). */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** An HMAC-SHA256 under a key derived from the server secret for one purpose. */
export function hmacKey(secret: string, purpose: string): (message: string) => string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'users-api', `mail:${purpose}`, 32));
  return (message) => createHmac('sha256', key).update(message).digest('hex');
}

/** Constant-time comparison of two hex strings. */
export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
