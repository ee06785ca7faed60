import { createHash } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as the contract fixes it: HMAC-SHA1, 30 s steps from t0 = 0, 6 digits, ±1 step. */
const PARAMS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
const TOLERANCE_STEPS = 1;

/** A new 20-byte secret in RFC 4648 base32 (32 characters, no padding). */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/**
 * The authenticator URI a QR code carries (docs/api.md, Two-factor authentication). Built in the
 * documented parameter order, which otpauth's own `toString()` does not keep.
 */
export function otpauthUrl(issuer: string, email: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(email)}`;
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}

/**
 * A code as clients send it: an integer 0..999999, as a number or a string of digits (PostHog's form
 * reads it as an integer, so `12345` and `"012345"` are the same code). Anything else is null.
 */
export function readTotpCode(value: unknown): string | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,6}$/.test(text)) return null;
  return text.padStart(6, '0');
}

/** The step a valid code belongs to (within ±1 of now) and its drift, or null. */
export function matchTotp(secret: string, code: string, now = Date.now()): { step: number; drift: number } | null {
  const totp = new TOTP({ ...PARAMS, secret: Secret.fromBase32(secret) });
  const drift = totp.validate({ token: code, timestamp: now, window: TOLERANCE_STEPS });
  if (drift === null) return null;
  return { step: totp.counter({ timestamp: now }) + drift, drift };
}

/** A backup code: base32 of 5 random bytes, lower-case (`[a-z2-7]{8}`). */
export const newBackupCode = (): string => new Secret({ size: 5 }).base32.toLowerCase();

export const hashBackupCode = (code: string): string => createHash('sha256').update(code).digest('hex');
