import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets kept at rest (GitHub user tokens, TOTP secrets): AES-256-GCM under keys derived
 * with HKDF-SHA256 from the server secret. Each ciphertext names the id of the key that sealed it, so
 * `SECRET_KEY` can be rotated: seal with the first key, open with any key still listed.
 *
 * Format: `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export class SecretBox {
  private readonly keys: { id: string; key: Buffer }[];

  /** `secrets`: the current server secret first, then retired ones still accepted for reading. */
  constructor(secrets: readonly string[], purpose = 'secrets-at-rest') {
    if (secrets.length === 0) throw new Error('SecretBox needs at least one secret');
    this.keys = secrets.map((secret) => {
      const key = Buffer.from(hkdfSync('sha256', secret, 'users-api', `secret-box:${purpose}`, 32));
      const id = createHash('sha256').update(key).digest('base64url').slice(0, 8);
      return { id, key };
    });
  }

  seal(plaintext: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  /** The plaintext; throws when the value is malformed, tampered with or sealed by an unknown key. */
  open(sealed: string): string {
    const [version, id, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !id || !iv || !tag || data === undefined) throw new Error('SecretBox: malformed value');
    const found = this.keys.find((k) => k.id === id);
    if (!found) throw new Error('SecretBox: sealed by an unknown key');
    const decipher = createDecipheriv('aes-256-gcm', found.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Whether `sealed` was sealed by the current key (false: re-seal it on the next write). */
  isCurrent(sealed: string): boolean {
    return sealed.split('.')[1] === this.keys[0]!.id;
  }
}
