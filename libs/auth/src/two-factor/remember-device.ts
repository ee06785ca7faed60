import { createHash, createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';

/** The prefix of django-two-factor's remember cookies; the rest of the name is a random uuid. */
export const REMEMBER_COOKIE_PREFIX = 'remember-cookie_';

/** What a remember cookie binds: the user, their TOTP device, and their password as it is now. */
export interface RememberedDevice {
  userId: number;
  deviceId: number;
  password: string | null;
}

/**
 * Signs and checks the remember-device cookie (docs/api.md): HMAC-SHA256 under a key derived from
 * `SECRET_KEY`, over the user, the TOTP device and a digest of the password hash, so a new device, a
 * disabled one or a password change ends every remembered device.
 */
export class RememberDeviceCookies {
  private readonly keys: Buffer[];

  constructor(secrets: readonly string[]) {
    this.keys = secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, 'users-api', 'remember-device', 32)));
  }

  issue(device: RememberedDevice, maxAgeS: number): { name: string; value: string } {
    const expires = Math.floor(Date.now() / 1000) + maxAgeS;
    const payload = `${device.userId}.${device.deviceId}.${expires}`;
    return { name: `${REMEMBER_COOKIE_PREFIX}${randomUUID()}`, value: `${payload}.${this.mac(this.keys[0]!, payload, device)}` };
  }

  /** Whether any of the request's remember cookies is valid for this user and device now. */
  remembers(cookies: Record<string, string | undefined>, device: RememberedDevice): boolean {
    return Object.entries(cookies).some(([name, value]) => name.startsWith(REMEMBER_COOKIE_PREFIX) && value !== undefined && this.valid(value, device));
  }

  private valid(value: string, device: RememberedDevice): boolean {
    const match = /^(\d{1,10})\.(\d{1,10})\.(\d{1,12})\.([0-9a-f]{64})$/.exec(value);
    if (!match) return false;
    const [, userId, deviceId, expires, mac] = match as unknown as [string, string, string, string, string];
    if (Number(userId) !== device.userId || Number(deviceId) !== device.deviceId) return false;
    if (Number(expires) < Date.now() / 1000) return false;
    const payload = `${userId}.${deviceId}.${expires}`;
    const given = Buffer.from(mac);
    return this.keys.some((key) => {
      const expected = Buffer.from(this.mac(key, payload, device));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }

  private mac(key: Buffer, payload: string, device: RememberedDevice): string {
    const password = createHash('sha256').update(device.password ?? '').digest('hex');
    return createHmac('sha256', key).update(`${payload}.${password}`).digest('hex');
  }
}
