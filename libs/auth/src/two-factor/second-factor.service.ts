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
const noPending = () => validationError('no_pending_2fa', 'No pending 2FA session. Please log in again.', null);

/** The second step's body: a code (`token`), or a passkey assertion (`credential_id`, `response`). */
export interface SecondFactorAnswer {
  token?: unknown;
  credential_id?: unknown;
  response?: unknown;
}

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

  private async pendingUser(pendingId: string | undefined): Promise<User | null> {
    const pending = await this.pending.get(pendingId);
    return pending ? this.users.findActiveById(pending.userId) : null;
  }

  /** Starts the pre-auth state; its id is the `sessionid` cookie until the second step. */
  async start(user: User): Promise<string> {
    return (await this.pending.start(user.id)).id;
  }

  /** `GET /api/login/2fa/passkey/methods/`: which second factors the pending login can use. */
  async methods(pendingId: string | undefined): Promise<{ has_totp: boolean; has_passkeys: boolean }> {
    const user = await this.pendingUser(pendingId);
    if (!user) throw noPending();
    const [hasTotp, passkeys] = await Promise.all([this.twoFactor.hasTotp(user.id), this.passkeys.countVerified(user.id)]);
    return { has_totp: hasTotp, has_passkeys: Boolean(user.passkeysEnabledFor2fa) && passkeys > 0 };
  }

  /** `POST /api/login/2fa/passkey/begin/`: request options for the pending user's verified passkeys. */
  async beginPasskey(pendingId: string | undefined) {
    const user = await this.pendingUser(pendingId);
    if (!user) throw noPending();
    if ((await this.passkeys.countVerified(user.id)) === 0) throw validationError('no_passkeys', 'No passkeys found for this account.', null);
    if (!user.passkeysEnabledFor2fa) {
      throw validationError('passkeys_not_enabled_for_2fa', 'Passkeys are not enabled for 2FA on this account.', null);
    }
    return this.passkeys.beginSecondFactor(user.id, pendingId!);
  }

  /**
   * `POST /api/login/token`: throttled per pending user (else per client address), then the pending
   * login; then a passkey assertion, or the backoff, a TOTP code and a backup code, in that order.
   */
  async complete(pendingId: string | undefined, answer: SecondFactorAnswer, ip: string): Promise<SecondFactorLogin> {
    const pending = await this.pending.get(pendingId);
    await this.throttles.consume('secondFactor', pending ? `user:${pending.userId}` : `ip:${ip}`);
    if (!pending) throw expired();
    const user = await this.users.findActiveById(pending.userId);
    if (!user) throw expired();
    let used: 'totp' | 'backup_code' | 'passkey' | null;
    if (answer.credential_id !== undefined) {
      const outcome = await this.passkeys.completeSecondFactor(user.id, pending.id, answer.credential_id, answer.response);
      if (outcome === 'no_challenge') throw validationError('2fa_no_challenge', 'No passkey challenge found. Start the passkey step again.', null);
      if (outcome === 'invalid') throw validationError('2fa_invalid_passkey', 'This passkey could not be verified.', null);
      used = 'passkey';
    } else {
      await this.twoFactor.assertNotBackingOff(user.id);
      used = await this.twoFactor.verifyLoginCode(user.id, answer.token);
      if (!used) {
        await this.twoFactor.recordFailure(user.id);
        throw validationError('2fa_invalid', 'Invalid authentication code', null);
      }
    }
    await this.twoFactor.resetFailures(user.id);
    await this.pending.end(pending.id);
    const session = await this.sessions.create(user.id);
    // Only a TOTP login remembers the device (the cookie is checked against the TOTP device).
    const device = used === 'passkey' ? null : await this.twoFactor.device(user.id);
    const maxAgeS = this.config.TWO_FACTOR_REMEMBER_COOKIE_AGE_S;
    const remember = device ? { ...this.cookies.issue({ userId: user.id, deviceId: device.id, password: user.password }, maxAgeS), maxAgeS } : null;
    return { user, session, usedBackupCode: used === 'backup_code', remember };
  }
}
