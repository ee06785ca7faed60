// Verifies a GitHub App JWT the way GitHub documents it: RS256 signed with the App's private key,
// `iss` = App ID (or Client ID), `iat` not in the future (60 s skew allowed), `exp` in the future
// and at most 10 minutes ahead.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export type JwtCheck = { ok: true } | { ok: false; message: string };

const UNDECODABLE = 'A JSON web token could not be decoded';
// GitHub's wording for the two time-skew errors; @octokit/auth-app recognises them and retries once.
const BAD_EXP = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
const BAD_IAT = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";

const decodePart = (part: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

export class AppJwtVerifier {
  private readonly publicKey: KeyObject;

  constructor(privateKeyPem: string, private readonly issuers: string[]) {
    this.publicKey = createPublicKey(privateKeyPem);
  }

  check(jwt: string, nowS = Math.floor(Date.now() / 1000)): JwtCheck {
    const parts = jwt.split('.');
    if (parts.length !== 3) return { ok: false, message: UNDECODABLE };
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decodePart(headerPart);
    const payload = decodePart(payloadPart);
    if (!header || !payload || header.alg !== 'RS256') return { ok: false, message: UNDECODABLE };
    const signed = verify('RSA-SHA256', Buffer.from(`${headerPart}.${payloadPart}`), this.publicKey, Buffer.from(signaturePart, 'base64url'));
    if (!signed) return { ok: false, message: UNDECODABLE };
    const { iat, exp, iss } = payload;
    if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > nowS + 60) return { ok: false, message: BAD_IAT };
    if (typeof exp !== 'number' || exp <= nowS || exp > nowS + 600 + 60 || exp <= iat) return { ok: false, message: BAD_EXP };
    if (!this.issuers.includes(String(iss))) return { ok: false, message: UNDECODABLE };
    return { ok: true };
  }
}
