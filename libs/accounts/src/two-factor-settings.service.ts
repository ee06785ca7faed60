import { Inject, Injectable } from '@nestjs/common';
import { otpauthUrl, PasskeysService, SessionsService, TwoFactorService, type Session } from '#libs/auth';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { AccountNotifier, type User } from '#libs/users';

export interface TwoFactorStatus {
  is_enabled: boolean;
  backup_codes_remaining: number;
  method: 'TOTP' | 'passkey' | null;
  has_passkeys: boolean;
  has_totp: boolean;
  passkeys_enabled_for_2fa: boolean;
}

/** The caller's own 2FA settings (docs/api.md, Two-factor authentication): self-service only. */
@Injectable()
export class TwoFactorSettingsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly twoFactor: TwoFactorService,
    private readonly passkeys: PasskeysService,
    private readonly sessions: SessionsService,
    private readonly notifier: AccountNotifier,
  ) {}

  async startSetup(user: User, session: Session): Promise<{ success: true; secret: string; otpauth_url: string }> {
    const secret = await this.twoFactor.beginSetup(session.id);
    return { success: true, secret, otpauth_url: otpauthUrl(this.config.TOTP_ISSUER, user.email, secret) };
  }

  /** Enables TOTP; every other session of the user ends (none was opened with the new factor). */
  async validate(user: User, session: Session, token: unknown): Promise<{ success: true }> {
    await this.twoFactor.enable(user.id, session.id, token);
    await this.sessions.revokeOthers(user.id, session.id);
    await this.notifier.notify(user.id, 'two_factor_enabled');
    return { success: true };
  }

  async status(user: User): Promise<TwoFactorStatus> {
    const [hasTotp, remaining, verifiedPasskeys] = await Promise.all([
      this.twoFactor.hasTotp(user.id),
      this.twoFactor.backupCodesRemaining(user.id),
      this.passkeys.countVerified(user.id),
    ]);
    const hasPasskeys = verifiedPasskeys > 0;
    const passkey2fa = Boolean(user.passkeysEnabledFor2fa) && hasPasskeys;
    return {
      is_enabled: hasTotp || passkey2fa,
      backup_codes_remaining: hasTotp ? remaining : 0,
      method: hasTotp ? 'TOTP' : passkey2fa ? 'passkey' : null,
      has_passkeys: hasPasskeys,
      has_totp: hasTotp,
      passkeys_enabled_for_2fa: passkey2fa,
    };
  }

  async regenerateBackupCodes(user: User): Promise<{ backup_codes: string[] }> {
    return { backup_codes: await this.twoFactor.regenerateBackupCodes(user.id) };
  }

  /** Removes TOTP and the backup codes; a downgrade, so no session is revoked. */
  async disable(user: User): Promise<{ success: true }> {
    await this.twoFactor.disable(user.id);
    await this.notifier.notify(user.id, 'two_factor_disabled');
    return { success: true };
  }
}
