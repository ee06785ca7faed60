import { describe, expect, it } from '@jest/globals';
import { trustProxyFn } from './configure-app.js';

describe('trustProxyFn', () => {
  it('is off for false', () => {
    expect(trustProxyFn(false)).toBeUndefined();
  });

  it('trusts exactly N hops for a hop count', () => {
    const trust = trustProxyFn(2)!;
    expect([0, 1, 2, 3].map((hop) => trust('203.0.113.1', hop))).toEqual([true, true, false, false]);
  });

  it('trusts listed addresses and subnets, IPv4-mapped peers included', () => {
    const trust = trustProxyFn(['10.0.0.0/8', '192.168.1.5', 'fd00::/8'])!;
    expect(trust('10.1.2.3', 0)).toBe(true);
    expect(trust('::ffff:10.1.2.3', 0)).toBe(true);
    expect(trust('192.168.1.5', 3)).toBe(true);
    expect(trust('192.168.1.6', 0)).toBe(false);
    expect(trust('fd12::1', 0)).toBe(true);
    expect(trust('2001:db8::1', 0)).toBe(false);
    expect(trust('127.0.0.1', 0)).toBe(false);
  });
});
