import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { validationError } from '#libs/core';
import { UsersService, type User } from '#libs/users';
import { PasskeysService } from '../passkeys/passkeys.service.js';
import { SessionsService, type Session } from '../sessions.service.js';
import { ThrottlesService } from '../throttles.service.js';
import { PendingLogins } from './pending-logins.js';
import { RememberDeviceCookies } from './remember-device.js';
import { TwoFactorService } from './two-factor.service.js';

const expired = () => validationError('2fa_expired', 'Login attempt has expired. Re-enter username/password.', null);

/** A completed second step: the new session, and what the caller sets and sends. */
export interface SecondFactorLogin {
  user: User;
  session: Session;
  usedBackupCode: boolean;
  /** The remember-device cookie (only a TOTP device can be remembered). */
  remember: { name: string; value: string; maxAgeS: number } | null;
}

/** The second step of a password login (docs/api.md, Two-factor authentication). */
@Injectable()
export class SecondFactorService {
  private readonly cookies: RememberDeviceCookies;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly twoFactor: TwoFactorService,
    private readonly passkeys: PasskeysService,
    private readonly pending: PendingLogins,
    private readonly sessions: SessionsService,
    private readonly throttles: ThrottlesService,
  ) {
    this.cookies = new RememberDeviceCookies([config.SECRET_KEY, ...config.SECRET_KEY_FALLBACKS]);
  }

  /**
   * Whether a password login of `user` must pass a second factor: 2FA is on, and no valid
   * remember-device cookie names their TOTP device (one that does also clears the device's backoff).
   */
  async required(user: User, cookies: Record<string, string | undefined>): Promise<boolean> {
    const device = await this.twoFactor.device(user.id);
    if (device) {
      if (!this.cookies.remembers(cookies, { userId: user.id, deviceId: device.id, password: user.password })) return true;
      await this.twoFactor.resetFailures(user.id);
      return false;
    }
    return Boolean(user.passkeysEnabledFor2fa) && (await this.passkeys.countVerified(user.id)) > 0;
  }

  /** Starts the pre-auth state; its id is the `sessionid` cookie until the second step. */
  async start(user: User): Promise<string> {
    return (await this.pending.start(user.id)).id;
  }

  /**
   * `POST /api/login/token`: throttled per pending user (else per client address), then the pending
   * login, the backoff, a TOTP code, a backup code, in that order.
   */
  async complete(pendingId: string | undefined, token: unknown, ip: string): Promise<SecondFactorLogin> {
    const pending = await this.pending.get(pendingId);
    await this.throttles.consume('secondFactor', pending ? `user:${pending.userId}` : `ip:${ip}`);
    if (!pending) throw expired();
    const user = await this.users.findActiveById(pending.userId);
    if (!user) throw expired();
    await this.twoFactor.assertNotBackingOff(user.id);
    const used = await this.twoFactor.verifyLoginCode(user.id, token);
    if (!used) {
      await this.twoFactor.recordFailure(user.id);
      throw validationError('2fa_invalid', 'Invalid authentication code', null);
    }
    await this.twoFactor.resetFailures(user.id);
    await this.pending.end(pending.id);
    const session = await this.sessions.create(user.id);
    const device = await this.twoFactor.device(user.id);
    const maxAgeS = this.config.TWO_FACTOR_REMEMBER_COOKIE_AGE_S;
    const remember = device ? { ...this.cookies.issue({ userId: user.id, deviceId: device.id, password: user.password }, maxAgeS), maxAgeS } : null;
    return { user, session, usedBackupCode: used === 'backup_code', remember };
  }
}
