import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4). */
export function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, { type: argon2.argon2id });
}

// A hash of a random password nobody knows, made with the same parameters as real ones: checking
// against it costs what checking a real hash costs, so a login for an unknown email (or a user
// without a password) takes as long as a wrong password (docs/api.md, "Authentication").
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomBytes(32).toString('base64url')));

/**
 * False for a missing hash or a hash argon2 cannot read, never an exception. A missing hash still
 * costs one argon2 verification (against a dummy hash), so timing does not tell it apart.
 */
export async function verifyPassword(hash: string | null, plain: string): Promise<boolean> {
  try {
    const ok = await argon2.verify(hash || (await dummy()), plain);
    return ok && Boolean(hash);
  } catch {
    return false;
  }
}
