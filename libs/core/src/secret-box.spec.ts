import { describe, expect, it } from '@jest/globals';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  it('round-trips, with a fresh IV each time', () => {
    const box = new SecretBox(['s1']);
    const a = box.seal('ghu_token');
    expect(a).not.toContain('ghu_token');
    expect(box.seal('ghu_token')).not.toBe(a);
    expect(box.open(a)).toBe('ghu_token');
  });

  it('opens values sealed by a retired key and seals with the current one', () => {
    const old = new SecretBox(['old']).seal('x');
    const rotated = new SecretBox(['new', 'old']);
    expect(rotated.open(old)).toBe('x');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.seal('x'))).toBe(true);
    expect(() => new SecretBox(['new']).open(old)).toThrow(/unknown key/);
  });

  it('refuses a tampered or malformed value', () => {
    const box = new SecretBox(['s1']);
    const parts = box.seal('secret').split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => box.open('nonsense')).toThrow(/malformed/);
  });

  it('derives distinct keys per purpose', () => {
    const sealed = new SecretBox(['s1'], 'github').seal('x');
    expect(() => new SecretBox(['s1'], 'totp').open(sealed)).toThrow();
  });
});
