import { createHash, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const API_KEY_PREFIX = 'phx_';

/** `phx_` + 43 base62 characters encoding 32 random bytes (62^43 > 2^256, so nothing is lost). */
export function generateApiKeyValue(): string {
  let n = BigInt(`0x${randomBytes(32).toString('hex')}`);
  let out = '';
  for (let i = 0; i < 43; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return API_KEY_PREFIX + out;
}

/** What is stored and looked up: a sha256 of the whole key. */
export const hashApiKeyValue = (value: string): string =>
  `sha256$${createHash('sha256').update(value).digest('hex')}`;

/** First 4 + "..." + last 4, safe to show again. */
export const maskApiKeyValue = (value: string): string => `${value.slice(0, 4)}...${value.slice(-4)}`;
