import type { INestApplicationContext } from '@nestjs/common';
import { TwoFactorService } from '#libs/auth';
import { UsersService } from '#libs/users';
import { required } from '../cli-error.js';
import { findUserByEmail } from './find-user.js';

export const users2faResetOptions = { email: { type: 'string' } } as const;

/**
 * For a user who lost every second factor (docs/operations.md): removes the TOTP device and the
 * backup codes and turns passkey 2FA off; the passkeys themselves stay.
 */
export async function users2faReset(app: INestApplicationContext, values: Record<string, unknown>) {
  const user = await findUserByEmail(app, required(values, 'email'));
  const twoFactor = app.get(TwoFactorService);
  const hadTotp = await twoFactor.hasTotp(user.id);
  await twoFactor.disable(user.id);
  await twoFactor.resetFailures(user.id);
  await app.get(UsersService).update(user, { passkeysEnabledFor2fa: false });
  return { id: user.id, email: user.email, totp_removed: hadTotp, passkeys_enabled_for_2fa: false, is_2fa_enabled: false };
}
